from django.urls import path

from buudien.insurance import views

app_name = "insurance"
urlpatterns = [
    path("", views.index, name="index"),
    path("issue/", views.issue, name="issue"),
    path("issue/product/", views.product_part, name="product_part"),
    path("expiring/", views.expiring, name="expiring"),
    path("statement/", views.statement, name="statement"),
    path("statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
    path("policies/<str:number>/", views.policy, name="policy"),
    path("policies/<str:number>/cancel/", views.policy_cancel, name="policy_cancel"),
    path("policies/<str:number>/certificate.pdf", views.certificate, name="certificate"),
]
