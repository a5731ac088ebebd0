from django.urls import path

from buudien.collection import views

app_name = "collection"
urlpatterns = [
    path("", views.index, name="index"),
    path("bills/", views.bills, name="bills"),
    path("bills/<str:reference>/", views.bill_detail, name="bill"),
    path("bills/<str:reference>/receipt.pdf", views.bill_receipt, name="receipt"),
    path("bills/<str:reference>/cancel/", views.bill_cancel, name="cancel"),
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.partner_new, name="partner_new"),
    path("partners/<int:pk>/", views.partner_detail, name="partner"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("settlements/", views.settlements, name="settlements"),
    path("settlements/new/", views.settlement_new, name="settlement_new"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
]
