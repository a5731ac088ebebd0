from django.urls import path

from buudien.payouts import views

app_name = "payouts"
urlpatterns = [
    path("", views.index, name="index"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/receipt.pdf", views.line_receipt, name="receipt"),
    path("lists/", views.lists, name="lists"),
    path("lists/import/", views.list_import, name="import"),
    path("lists/template.csv", views.template, name="template"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
    path("lists/<int:list_id>/close/", views.list_close, name="close"),
]
