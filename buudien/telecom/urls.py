from django.urls import path

from buudien.telecom import views

app_name = "telecom"
urlpatterns = [
    path("", views.index, name="index"),
    path("topup/", views.topup, name="topup"),
    path("operator/", views.operator_of, name="operator_of"),
    path("topups/<str:reference>/", views.topup_detail, name="topup_detail"),
    path("topups/<str:reference>/cancel/", views.topup_cancel, name="topup_cancel"),
    path("pins/", views.pins_sell, name="pins_sell"),
    path("pins/stock/", views.stock, name="stock"),
    path("pins/import/", views.pins_import, name="pins_import"),
    path("pins/<str:reference>/", views.pin_sale, name="pin_sale"),
    path("receipts/<str:reference>.pdf", views.receipt, name="receipt"),
]
