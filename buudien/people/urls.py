from django.urls import path

from buudien.people import views, views_workforce

app_name = "people"
urlpatterns = [
    path("", views.people, name="list"),
    path("new/", views.user_create, name="create"),
    path("<int:pk>/edit/", views.user_edit, name="edit"),
    path("workforce/", views_workforce.workforce, name="workforce"),
    path("workforce/staff/", views_workforce.staff, name="staff"),
    path("workforce/staff/new/", views_workforce.staff_new, name="staff_new"),
    path("workforce/staff/<int:pk>/", views_workforce.staff_edit, name="staff_edit"),
    path("workforce/staff/<int:pk>/leave/", views_workforce.staff_leave, name="staff_leave"),
    path("workforce/import/", views_workforce.workforce_import, name="workforce_import"),
]
