from django.urls import path

from buudien.mail import tracking_views

app_name = "tracking"
urlpatterns = [
    path("", tracking_views.tracking_search, name="search"),
    path("<str:s10>/", tracking_views.tracking_item, name="item"),
]
