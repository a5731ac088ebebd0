"""Background jobs in the Django admin: read only, each administrator the jobs of the provinces
in their scope. The queue's own records (args, tracebacks) are for superusers alone."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from buudien.jobs.models import Job
from buudien.people.admin_scope import PerProvinceMixin, ReadOnlyAdmin


@admin.register(Job)
class JobAdmin(PerProvinceMixin, ReadOnlyAdmin):
    list_display = ("created_at", "title", "requested_by", "province_code", "status", "step")
    list_filter = ("status", "kind", "province_code")
    search_fields = ("title", "requested_by__username")
    exclude = ("upload", "result")


class QueueAdmin(DBTaskResultAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, QueueAdmin)
