from django.urls import path

from buudien.people import views

app_name = "people"
urlpatterns = [
    path("", views.people, name="list"),
    path("new/", views.user_create, name="create"),
    path("<int:pk>/edit/", views.user_edit, name="edit"),
]
