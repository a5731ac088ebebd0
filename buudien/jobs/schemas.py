from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    status: str
    step: str
    done: int
    total: int
    percent: int
    message: str
    problems: list[str]
    file_name: str
    file_url: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
