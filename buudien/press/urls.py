from django.urls import path

from buudien.press import views
from buudien.press.urls_money import urlpatterns as money_urls

app_name = "press"
urlpatterns = [
    path("", views.index, name="index"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscriptions/<str:reference>/", views.subscription, name="subscription"),
    path("subscriptions/<str:reference>/receipt.pdf", views.receipt, name="receipt"),
    path("allocation/", views.allocation, name="allocation"),
    path("programmes/", views.programmes, name="programmes"),
]
# The settlements and the attestation (press.views_money).
urlpatterns += money_urls
