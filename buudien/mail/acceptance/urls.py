from django.urls import path

from buudien.mail.acceptance import views

app_name = "mail"
urlpatterns = [
    path("", views.home, name="home"),
    path("accept/", views.accept, name="accept"),
    path("quote/", views.quote, name="quote"),
    path("price/", views.price, name="price"),
    path("communes/", views.communes, name="communes"),
    path("items/", views.items, name="items"),
    path("items/<str:s10>/", views.item_detail, name="item"),
    path("items/<str:s10>/label.pdf", views.item_label, name="label"),
    path("items/<str:s10>/receipt.pdf", views.item_receipt, name="receipt"),
]
