"""Public lookups on the hot path (an item's timeline, a dossier by its code): a query
compiled once by the ORM, so that it follows the models, then run with new parameters as a
PostgreSQL prepared statement.

Compiling a queryset costs more than running it, and planning a join of several tables
afresh (a few milliseconds) costs ten times more than executing it. Django turns psycopg's
prepared statements off on its connections (``prepare_threshold=None``, for poolers such as
PgBouncer in transaction mode); ``rows`` turns them on for one statement, on a server-side
binding cursor. Django's own pool keeps each connection, and its prepared statements,
across requests. SQLite runs the same SQL on the driver's cursor (Django's when queries are
counted or logged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

PREPARE_AFTER = 0  # psycopg's prepare_threshold while such a query runs


def compiled(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    """The SQL of ``queryset`` and its parameters (stand-ins that ``bind`` replaces)."""
    sql, params = queryset.query.sql_with_params()
    return sql, plain(params)


def plain(params: Iterable[Any]) -> list[Any]:
    return [p.value if isinstance(p, Enum) else p for p in params]


def bind(params: list[Any], values: dict[Any, Any]) -> list[Any]:
    """The parameters with each stand-in replaced by its value."""
    return [values.get(p, p) for p in params]


def rows(sql: str, params: list[Any], *, one: bool = False) -> list[tuple[Any, ...]]:
    """Run a compiled query: on PostgreSQL as a prepared statement."""
    db = connections[DEFAULT_DB_ALIAS]  # the proxy ``connection`` looks it up on every use
    if db.vendor == "postgresql":
        import psycopg

        db.ensure_connection()
        raw = db.connection
        threshold = raw.prepare_threshold
        raw.prepare_threshold = PREPARE_AFTER
        try:
            with psycopg.Cursor(raw) as cursor:
                cursor.execute(sql, params, prepare=True)
                return cursor.fetchmany(1) if one else cursor.fetchall()
        finally:
            raw.prepare_threshold = threshold
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as counted:  # seen by whoever counts or logs queries
            counted.execute(sql, params)
            return counted.fetchmany(1) if one else counted.fetchall()
    # SQLite, nobody watching: the driver's own cursor, without Django's wrapper and its
    # rewriting of the placeholders on every call (a third of a lookup's time in SQL).
    db.ensure_connection()
    with db.wrap_database_errors:  # Django's exceptions, as through its cursor
        cursor = db.connection.execute(_qmarks(sql), params)
        try:
            return cursor.fetchmany(1) if one else cursor.fetchall()
        finally:
            cursor.close()


@lru_cache(maxsize=64)
def _qmarks(sql: str) -> str:
    """The SQL with sqlite3's placeholders, as Django's SQLite cursor rewrites it."""
    from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

    return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")


def aware(value: dt.datetime | str | None) -> dt.datetime | None:
    """A datetime as read by ``rows``: a raw SQLite cursor gives naive UTC datetimes, or the
    stored text of one (a column read as text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
