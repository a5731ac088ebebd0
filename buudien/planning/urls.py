from django.urls import path

from buudien.planning import views
from buudien.planning.render import views as report_views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("uplift/", views.uplift, name="uplift"),
    path("import/", views.plan_import, name="import"),
    path("report/", report_views.report_page, name="report"),
    path("communes/", views.communes, name="communes"),
    path("communes/<str:code>/", views.commune_scorecard, name="commune"),
    path("report/download.<str:fmt>", report_views.report_download, name="report_download"),
    path("report/file.<str:fmt>", report_views.report_file, name="report_file"),
]
