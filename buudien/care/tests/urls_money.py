"""The project's pages with the care money pages under /care/ (namespace ``care``), as the
care app's urls will include them."""

from django.urls import include, path

from buudien.care import urls_money
from buudien.urls import urlpatterns as project

urlpatterns = [*project, path("care/", include((urls_money.urlpatterns, "care")))]
