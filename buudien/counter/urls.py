from django.urls import path

from buudien.counter import views

app_name = "counter"

urlpatterns = [
    path("words/", views.amount_words, name="words"),
]
