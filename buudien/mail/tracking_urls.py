from django.urls import path

app_name = "tracking"
urlpatterns: list[path] = []  # type: ignore[valid-type]
