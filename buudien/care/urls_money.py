"""The money pages of customer care, included under ``/care/`` (namespace ``care``)."""

from django.urls import path

from buudien.care import views_money as views

urlpatterns = [
    path("compensations/", views.compensation_list, name="compensations"),
    path("compensations/<str:code>/", views.compensation, name="compensation"),
    path(
        "compensations/<str:code>/approve/",
        views.compensation_approve,
        name="compensation_approve",
    ),
    path("compensations/<str:code>/pay/", views.compensation_pay, name="compensation_pay"),
    path(
        "compensations/<str:code>/receipt/",
        views.compensation_receipt,
        name="compensation_receipt",
    ),
    path(
        "compensations/<str:code>/receipt.pdf",
        views.compensation_receipt_pdf,
        name="compensation_receipt_pdf",
    ),
    path(
        "requests/<str:code>/compensation/",
        views.compensation_propose,
        name="compensation_propose",
    ),
    path("requests/<str:code>/refund/", views.refund, name="refund"),
]
