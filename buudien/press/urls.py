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
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("issues/", views.issues, name="issues"),
    path("issues/<int:pk>/", views.issue, name="issue"),
    path("issues/<int:pk>/dispatch/", views.issue_dispatch, name="issue_dispatch"),
    path("issues/<int:pk>/returns/", views.issue_return, name="issue_return"),
    path("copies/", views.copies, name="copies"),
    path("copies/<int:pk>/", views.copies_count, name="copies_count"),
    path("round/", views.round_page, name="round"),
    path("round/all/", views.round_all, name="round_all"),
    path("round/<int:pk>/delivered/", views.delivery_delivered, name="delivery_delivered"),
    path("round/<int:pk>/missed/", views.delivery_missed, name="delivery_missed"),
    path("missed/", views.missed, name="missed"),
]
# The settlements and the attestation (press.views_money).
urlpatterns += money_urls
