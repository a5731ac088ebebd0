from django.urls import path

from buudien.mail import batch_views

app_name = "mailbatch"
urlpatterns = [
    path("new/", batch_views.new, name="new"),
    path("labels.pdf", batch_views.labels_view, name="labels"),
    path("template.csv", batch_views.template, name="template"),
]
