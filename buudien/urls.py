from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from buudien.api import api, direct_urls

admin.site.site_header = "buudien"
admin.site.site_title = "buudien"

urlpatterns = [
    *direct_urls(),  # the public tracking lookup first: see its docstring
    path("", include("buudien.web.urls")),
    path("network/", include("buudien.network.urls")),
    path("counter/", include("buudien.counter.urls")),
    path("people/", include("buudien.people.urls")),
    path("mail/ops/", include("buudien.mail.operations.urls")),
    path("mail/batches/", include("buudien.mail.batches.urls")),
    path("mail/", include("buudien.mail.acceptance.urls")),
    path("tracking/", include("buudien.mail.tracking.urls")),
    path("finance/", include("buudien.finance.urls")),
    path("collection/", include("buudien.collection.urls")),
    path("payouts/", include("buudien.payouts.urls")),
    path("agency/", include("buudien.agency.urls")),
    path("cashless/", include("buudien.cashless.urls")),
    path("cashdesk/", include("buudien.cashdesk.urls")),
    path("dossiers/", include("buudien.dossiers.urls")),
    path("goods/", include("buudien.goods.urls")),
    path("telecom/", include("buudien.telecom.urls")),
    path("insurance/", include("buudien.insurance.urls")),
    path("press/", include("buudien.press.urls")),
    path("planning/", include("buudien.planning.urls")),
    path("care/", include("buudien.care.urls")),
    path("emulation/", include("buudien.emulation.urls")),
    path("jobs/", include("buudien.jobs.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

handler404 = "buudien.web.views.not_found"
handler500 = "buudien.web.views.server_error"
