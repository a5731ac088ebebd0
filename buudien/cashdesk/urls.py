from django.urls import path

from buudien.cashdesk import views

app_name = "cashdesk"
urlpatterns = [
    path("", views.index, name="index"),
    path("total/", views.count_total, name="count_total"),
    path("approvals/", views.queue, name="queue"),
    path("closings/<int:closing_id>/", views.closing_detail, name="closing"),
    path("closings/<int:closing_id>/decide/", views.closing_decide, name="closing_decide"),
    path("closings/<int:closing_id>/sheet.pdf", views.closing_sheet, name="closing_sheet"),
    path("history/", views.history_index, name="history_index"),
    path("history/<str:point_code>/", views.history, name="history"),
    path("handover/", views.handover, name="handover"),
    path("transit/", views.transit, name="transit"),
    path("transit/<int:handover_id>/accept/", views.transit_accept, name="transit_accept"),
    path("transit/<int:handover_id>/refuse/", views.transit_refuse, name="transit_refuse"),
    path("cod/", views.cod, name="cod"),
    path("cod/pay/", views.cod_pay, name="cod_pay"),
    path("cod/payouts/<int:payout_id>/", views.payout_detail, name="payout"),
    path("cod/payouts/<int:payout_id>/receipt.pdf", views.payout_receipt, name="payout_receipt"),
]
