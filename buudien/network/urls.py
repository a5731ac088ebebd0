from django.urls import path

from buudien.network import views

app_name = "network"
urlpatterns = [
    path("units/", views.tree, name="tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("units/<str:code>/edit/", views.unit_edit, name="unit_edit"),
    path("points/", views.points, name="points"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/<str:code>/", views.point_detail, name="point"),
    path("points/<str:code>/edit/", views.point_edit, name="point_edit"),
    path("coverage/", views.coverage, name="coverage"),
]
