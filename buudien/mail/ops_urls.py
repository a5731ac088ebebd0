"""/mail/ops/: dispatch bags, delivery rounds, KT1 custody, supervisors' lists and counts."""

from django.urls import path, re_path

from buudien.mail import ops_views

app_name = "mailops"
urlpatterns = [
    path("", ops_views.home, name="home"),
    path("bags/", ops_views.bags, name="bags"),
    path("bags/<str:code>/", ops_views.bag_detail, name="bag"),
    path("bags/<str:code>/items/", ops_views.bag_scan, name="bag_scan"),
    path("bags/<str:code>/items/<str:s10>/remove/", ops_views.bag_remove, name="bag_remove"),
    re_path(
        r"^bags/(?P<code>[^/]+)/(?P<step>close|dispatch|receive)/$",
        ops_views.bag_step,
        name="bag_step",
    ),
    path("bags/<str:code>/open/", ops_views.bag_open_at_destination, name="bag_open"),
    path("bags/<str:code>/manifest/", ops_views.bag_manifest, name="bag_manifest"),
    path("bags/<str:code>/manifest.pdf", ops_views.bag_manifest_pdf, name="bag_manifest_pdf"),
    path("rounds/", ops_views.rounds, name="rounds"),
    path("rounds/start/", ops_views.round_start, name="round_start"),
    path("rounds/<str:pk>/", ops_views.round_detail, name="round"),
    path("rounds/<str:pk>/close/", ops_views.round_close, name="round_close"),
    path("attempts/<str:pk>/deliver/", ops_views.attempt_deliver, name="attempt_deliver"),
    path("attempts/<str:pk>/fail/", ops_views.attempt_fail, name="attempt_fail"),
    path("kt1/", ops_views.kt1_home, name="kt1_home"),
    path("kt1/items/<str:s10>/", ops_views.kt1_item, name="kt1_item"),
    path("kt1/items/<str:s10>/handover/", ops_views.kt1_handover, name="kt1_handover"),
    path("kt1/transfers/<str:pk>/confirm/", ops_views.kt1_confirm, name="kt1_confirm"),
    path("items/", ops_views.supervisor_items, name="supervisor_items"),
    path("items/<str:s10>/", ops_views.supervisor_item, name="supervisor_item"),
    path("counts/", ops_views.daily_counts, name="daily_counts"),
]
