"""The API's paging: Django Ninja's limit and offset, with the offset bounded. An offset past
any table (one beyond a bigint's range failed in the database with a 500) is refused as bad
input, like a limit out of range."""

from __future__ import annotations

from django.conf import settings
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
