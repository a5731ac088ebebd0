from django.urls import path

from buudien.emulation import views

app_name = "emulation"
urlpatterns = [
    path("", views.index, name="index"),
    path("movements/", views.movements, name="movements"),
    path("movements/new/", views.movement_new, name="movement_new"),
    path("movements/<int:pk>/", views.movement_page, name="movement"),
    path("pledges/", views.pledges, name="pledges"),
    path("pledges/new/", views.pledge_new, name="pledge_new"),
    path("pledges/results/", views.pledges_results, name="pledges_results"),
    path("pledges/<int:pk>/", views.pledge_page, name="pledge"),
    path("awards/", views.awards, name="awards"),
    path("awards.xlsx", views.awards_xlsx, name="awards_xlsx"),
    path("awards/propose/", views.award_propose, name="award_propose"),
    path("awards/record/", views.award_record, name="award_record"),
    path("awards/<int:pk>/", views.award_page, name="award"),
    path("awards/<int:pk>/decide/", views.award_decide, name="award_decide"),
    path("initiatives/", views.initiatives, name="initiatives"),
    path("initiatives/new/", views.initiative_new, name="initiative_new"),
    path("initiatives/<int:pk>/", views.initiative_page, name="initiative"),
    path("initiatives/<int:pk>/decide/", views.initiative_decide, name="initiative_decide"),
    path("initiatives/<int:pk>/apply/", views.initiative_apply, name="initiative_apply"),
    path("people/<int:pk>/", views.person_page, name="person"),
]
