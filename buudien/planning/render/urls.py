"""The report page's routes, to mount in ``buudien/planning/urls.py`` (namespace planning)::

from buudien.planning.render.urls import urlpatterns as report_urlpatterns
urlpatterns = [..., *report_urlpatterns]
"""

from __future__ import annotations

from django.urls import path

from buudien.planning.render import views

urlpatterns = [
    path("report/", views.report_page, name="report"),
    path("report/download.<str:fmt>", views.report_download, name="report_download"),
]
