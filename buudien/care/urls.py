from django.urls import path

from buudien.care import urls_money, views

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
    path("lodge/", views.lodge, name="lodge"),
    path("new/", views.public_new, name="new"),
    path("follow/", views.follow, name="follow"),
    # compensations and refunds (care.views_money), before the requests' own pages
    *urls_money.urlpatterns,
    path("<str:code>/", views.request_page, name="request"),
    path("<str:code>/assign/", views.assign, name="assign"),
    path("<str:code>/note/", views.note, name="note"),
    path("<str:code>/answer/", views.answer, name="answer"),
    path("<str:code>/escalate/", views.escalate, name="escalate"),
    path("<str:code>/close/", views.close, name="close"),
    path("<str:code>/letter.pdf", views.letter, name="letter"),
]
