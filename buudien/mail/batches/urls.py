from django.urls import path

from buudien.mail.batches import views

app_name = "mailbatch"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("labels.pdf", views.labels_view, name="labels"),
    path("template.csv", views.template, name="template"),
]
