from django.urls import path

from buudien.agency import views

app_name = "agency"
urlpatterns = [
    path("", views.index, name="index"),
    path("savings/deposit/", views.deposit, name="deposit"),
    path("savings/withdraw/", views.withdraw, name="withdraw"),
    path("savings/books/", views.books, name="books"),
    path("savings/books/<str:number>/", views.book, name="book"),
    path("savings/mobilised/", views.mobilised, name="mobilised"),
    path("credit/repay/", views.loan_repayment, name="loan_repayment"),
    path("credit/refer/", views.loan_referral, name="loan_referral"),
    path("credit/referrals/", views.referrals_counted, name="referrals_counted"),
    path("accounts/open/", views.account_open, name="account_open"),
    path("accounts/opened/", views.accounts_opened, name="accounts_opened"),
    path("remittances/send/", views.remittance_send, name="remittance_send"),
    path("remittances/pay/", views.remittance_pay, name="remittance_pay"),
    path("op/<str:reference>/", views.operation, name="operation"),
    path("op/<str:reference>/receipt.pdf", views.receipt, name="receipt"),
]
