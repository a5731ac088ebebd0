"""The addresses of the press's money pages (``views_money``), added to ``press.urls`` under
the same namespace."""

from django.urls import path

from buudien.press import views_money as views

urlpatterns = [
    path("settlements/", views.settlements_page, name="settlements"),
    path(
        "settlements/publishers/new/",
        views.publisher_settlement_new,
        name="publisher_settlement_new",
    ),
    path(
        "settlements/publishers/<str:reference>/",
        views.publisher_settlement,
        name="publisher_settlement",
    ),
    path(
        "settlements/programmes/new/",
        views.programme_settlement_new,
        name="programme_settlement_new",
    ),
    path(
        "settlements/programmes/<str:reference>/",
        views.programme_settlement,
        name="programme_settlement",
    ),
    path("programmes/<int:pk>/attestation/", views.attestation_page, name="attestation"),
    path("programmes/<int:pk>/attestation.xlsx", views.attestation_xlsx, name="attestation_xlsx"),
    path("programmes/<int:pk>/attestation.pdf", views.attestation_pdf, name="attestation_pdf"),
]
