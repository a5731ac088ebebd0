from django.urls import path

from buudien.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:job_id>/", views.detail, name="detail"),
    path("<str:job_id>/file", views.download, name="download"),
]
