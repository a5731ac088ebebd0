from django.urls import path

from buudien.goods import views

app_name = "goods"
urlpatterns = [
    path("", views.index, name="index"),
    path("lines/", views.lines_part, name="lines"),
    path("lines/totals/", views.lines_totals, name="lines_totals"),
    path("find/", views.find, name="find"),
    path("sale/", views.sale, name="sale"),
    path("sales/<str:number>/", views.sale_detail, name="sale_detail"),
    path("sales/<str:number>.pdf", views.sale_receipt, name="sale_receipt"),
    path("sales/<str:number>/return/", views.sale_return, name="sale_return"),
    path("returns/", views.returns, name="returns"),
    path("orders/", views.orders_list, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<str:number>/", views.order, name="order"),
    path("orders/<str:number>/return/", views.order_return, name="order_return"),
    path("receipts/new/", views.receipt_new, name="receipt_new"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/new/", views.transfer_new, name="transfer_new"),
    path("transfers/<str:number>/", views.transfer, name="transfer"),
    path("transfers/<str:number>.pdf", views.delivery_note, name="delivery_note"),
    path("transfers/<str:number>/receive/", views.transfer_receive, name="transfer_receive"),
    path("write-offs/new/", views.write_off_new, name="write_off_new"),
    path("write-offs/<str:number>/", views.write_off, name="write_off"),
    path("write-offs/<str:number>/approve/", views.write_off_approve, name="write_off_approve"),
    path("stocktakes/new/", views.stocktake_new, name="stocktake_new"),
    path("stocktakes/<str:number>/", views.stocktake, name="stocktake"),
    path("stocktakes/<str:number>/approve/", views.stocktake_approve, name="stocktake_approve"),
    path("approvals/", views.approvals, name="approvals"),
]
