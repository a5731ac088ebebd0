"""The API's paging: Django Ninja's limit and offset, with the offset bounded. An offset past
any table (one beyond a bigint's range failed in the database with a 500) is refused as bad
input, like a limit out of range."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# No table of a province holds a trillion rows; SQLite and PostgreSQL take up to 2^63 - 1.
MAX_OFFSET = 10**12


class Paging(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        """The page, and the count without a COUNT query when the page tells it: a page that
        is not full is the last one (a search's first page mostly is the whole answer)."""
        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        items = list(queryset[offset : offset + limit])
        if 0 < len(items) < limit or (offset == 0 and len(items) < limit):
            count = offset + len(items)
        else:
            count = self._items_count(queryset)
        return {self.items_attribute: items, "count": count}
