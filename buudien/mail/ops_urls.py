from django.urls import path

app_name = "mailops"
urlpatterns: list[path] = []  # type: ignore[valid-type]
