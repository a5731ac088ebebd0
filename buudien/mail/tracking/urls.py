from django.urls import path

from buudien.mail.tracking import views

app_name = "tracking"
urlpatterns = [
    path("", views.tracking_search, name="search"),
    path("<str:s10>/", views.tracking_item, name="item"),
]
