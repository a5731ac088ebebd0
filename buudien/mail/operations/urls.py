"""/mail/ops/: dispatch bags, delivery rounds, KT1 custody, supervisors' lists and counts."""

from django.urls import path, re_path

from buudien.mail.operations import views

app_name = "mailops"
urlpatterns = [
    path("", views.home, name="home"),
    path("bags/", views.bags, name="bags"),
    path("bags/<str:code>/", views.bag_detail, name="bag"),
    path("bags/<str:code>/items/", views.bag_scan, name="bag_scan"),
    path("bags/<str:code>/items/<str:s10>/remove/", views.bag_remove, name="bag_remove"),
    re_path(
        r"^bags/(?P<code>[^/]+)/(?P<step>close|dispatch|receive)/$",
        views.bag_step,
        name="bag_step",
    ),
    path("bags/<str:code>/open/", views.bag_open_at_destination, name="bag_open"),
    path("bags/<str:code>/manifest/", views.bag_manifest, name="bag_manifest"),
    path("bags/<str:code>/manifest.pdf", views.bag_manifest_pdf, name="bag_manifest_pdf"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/start/", views.round_start, name="round_start"),
    path("rounds/<str:pk>/", views.round_detail, name="round"),
    path("rounds/<str:pk>/close/", views.round_close, name="round_close"),
    path("attempts/<str:pk>/deliver/", views.attempt_deliver, name="attempt_deliver"),
    path("attempts/<str:pk>/fail/", views.attempt_fail, name="attempt_fail"),
    path("kt1/", views.kt1_home, name="kt1_home"),
    path("kt1/register/", views.kt1_register, name="kt1_register"),
    path("kt1/items/<str:s10>/", views.kt1_item, name="kt1_item"),
    path("kt1/items/<str:s10>/handover/", views.kt1_handover, name="kt1_handover"),
    path("kt1/transfers/<str:pk>/confirm/", views.kt1_confirm, name="kt1_confirm"),
    path("kt1/transfers/<str:pk>/cancel/", views.kt1_cancel, name="kt1_cancel"),
    path("items/", views.supervisor_items, name="supervisor_items"),
    path("items/<str:s10>/", views.supervisor_item, name="supervisor_item"),
    path("counts/", views.daily_counts, name="daily_counts"),
]
