from django.urls import path

from buudien.counter import views

app_name = "counter"

urlpatterns = [
    path("words/", views.amount_words, name="words"),
    path("cancellations/", views.cancel_requests, name="cancel_requests"),
    path(
        "cancellations/<int:pk>/approve/",
        views.cancel_request_approve,
        name="cancel_request_approve",
    ),
    path(
        "cancellations/<int:pk>/refuse/", views.cancel_request_refuse, name="cancel_request_refuse"
    ),
]
