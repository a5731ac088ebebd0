from django.urls import path

from buudien.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
    path("rollups/rebuild/", views.rollups_rebuild, name="rollups_rebuild"),
    path("accounts/<str:code>/", views.account_statement, name="statement"),
    path("journal/<str:point_code>/", views.point_journal, name="journal"),
    path("days/close/", views.day_close, name="day_close"),
    path("costs/", views.cost_list, name="costs"),
    path("costs/import/", views.cost_import, name="cost_import"),
    path("budget/", views.budget_page, name="budget"),
]
