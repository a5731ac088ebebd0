"""The project's URLs with the batch router and pages mounted, for the tests of the batch
API and pages whatever the project's own wiring: the API under /api-batches-test/ (the
project's auth and error handlers), the pages at /mail/batches/ unless the project has them."""

from __future__ import annotations

from django.urls import include, path
from ninja import NinjaAPI

from buudien.api import api as project_api
from buudien.mail.batch_api import router
from buudien.urls import urlpatterns as project_urlpatterns

api = NinjaAPI(
    title="batches (tests)", version="test", auth=project_api.auth, urls_namespace="api-batches"
)
for exception, handler in project_api._exception_handlers.items():
    api.add_exception_handler(exception, handler)
api.add_router("/mail/batches", router)

mounted = any(getattr(p, "namespace", None) == "mailbatch" for p in project_urlpatterns)
urlpatterns = [
    path("api-batches-test/", api.urls),
    *([] if mounted else [path("mail/batches/", include("buudien.mail.batch_urls"))]),
    *project_urlpatterns,
]
