from django.urls import path

from buudien.cashless import views

app_name = "cashless"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("requests/<str:pk>/", views.detail, name="detail"),
    path("requests/<str:pk>/show/", views.show, name="show"),
    path("requests/<str:pk>/confirm/", views.confirm, name="confirm"),
    path("requests/<str:pk>/cancel/", views.cancel, name="cancel"),
    path("requests/<str:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("statements/", views.statements, name="statements"),
    path("statements/lines/<str:pk>/match/", views.match, name="match"),
    path("points/", views.points, name="points"),
    path("bank-accounts/", views.bank_accounts, name="bank_accounts"),
    path("decode/", views.decode, name="decode"),
]
