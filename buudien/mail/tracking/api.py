"""/api/tracking/: bulk scanner events, and public tracking by S10 id.

``POST /api/tracking/events`` answers 200 whenever the batch was judged, even when some or
all events were rejected: the body says which, one by one (a 207 Multi-Status would tell no
more, and clients handle 200 better). 400 for a body that is not JSON, 422 for JSON of the
wrong shape, 413 above 10,000 events, 401 without a token or session, 403 for a user who may
not record events (an auditor: read-only) or has no unit; nothing is stored then. A delivery
(EMI) of an item delivered only against a proof (registered, EMS, parcel, administrative
delivery, or with COD, a declared value or an add-on) is rejected on its own
(``proof_required``): the postman's round delivers it, with the proof and the COD.

The body is parsed by hand, not by pydantic: a batch of 10,000 events is judged event by
event in ``events_ingest``, which reports each bad one instead of refusing the whole batch.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from buudien.core.s10 import S10Error, s10_parse
from buudien.mail.tracking.selectors import Timeline, TimelineEvent, item_timeline
from buudien.mail.tracking.services import MAX_EVENTS, events_ingest, recorder_check

# Each operation_id is the one the schema gave before mail was split by stage (module
# ``buudien.mail.tracking_api``), so clients generated from /api/openapi.json keep their names.
router = Router(tags=["tracking"])

# Generous for 10,000 events (a typical one is ~200 bytes, the largest ~3.5 kB).
MAX_BODY = 32 * 1024 * 1024


class DetailOut(Schema):
    detail: str
    fault: str | None = None


class RejectionOut(Schema):
    index: int
    s10: str
    reason: str
    fault: str


class IngestOut(Schema):
    accepted: int
    duplicates: int
    rejected: list[RejectionOut]


class PlaceOut(Schema):
    commune: str
    province: str


class CodeLabelOut(Schema):
    code: str
    label: str


class TimelineEventOut(Schema):
    code: str
    label: str
    office_code: str
    office_name: str
    time: str  # ISO 8601 in Asia/Ho_Chi_Minh
    time_display: str  # dd/mm/yyyy HH:MM
    reason: CodeLabelOut | None
    action: CodeLabelOut | None
    received_by: str  # initials only


class TimelineOut(Schema):
    s10: str
    service: CodeLabelOut
    status: CodeLabelOut
    returning: bool
    delivered_at: str | None
    origin: PlaceOut
    destination: PlaceOut
    events: list[TimelineEventOut]


_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["s10", "code", "occurred_at", "office_code", "event_id"],
    "properties": {
        "s10": {"type": "string", "example": "RR123456785VN"},
        "code": {"type": "string", "description": "UPU EMSEVT code", "example": "EMB"},
        "occurred_at": {
            "type": "string",
            "description": "ISO 8601; without an offset, Asia/Ho_Chi_Minh",
            "example": "2026-03-02T08:15:00+07:00",
        },
        "office_code": {"type": "string", "example": "240001"},
        "event_id": {"type": "string", "description": "the scanner's own id of the event"},
        "reason": {"type": "string", "description": "EMH: absent, refused, wrong_address ..."},
        "action": {"type": "string", "description": "EMH: retry, hold, return"},
        "recipient_name": {
            "type": "string",
            "description": "EMI: who received the item. An item delivered only against a "
            "proof (registered, EMS, parcel, administrative delivery, or with COD, a declared "
            "value or an add-on) is delivered on the postman's round: its EMI is rejected "
            "(proof_required).",
        },
        "note": {"type": "string"},
    },
}
_INGEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["source", "events"],
                    "properties": {
                        "source": {"type": "string", "maxLength": 32, "example": "scanner-01"},
                        "events": {
                            "type": "array",
                            "maxItems": MAX_EVENTS,
                            "items": _EVENT_SCHEMA,
                        },
                    },
                }
            }
        },
    }
}


def _json(status: int, data: Any) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def _read_body(request: HttpRequest) -> bytes | None:
    """The body, up to MAX_BODY (Django's own limit is too small for 10,000 events); None
    when it is larger."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY:
        return None
    try:
        return request.body
    except RequestDataTooBig:
        body = request.read(MAX_BODY + 1)
        return body if len(body) <= MAX_BODY else None


@router.post(
    "/events",
    response={200: IngestOut, 400: DetailOut, 403: DetailOut, 413: DetailOut, 422: DetailOut},
    summary="Send scanned events in bulk (up to 10,000)",
    openapi_extra=_INGEST_BODY,
    operation_id="buudien_mail_tracking_api_events_post",
)
def events_post(request: HttpRequest) -> HttpResponse:
    recorder_check(request.user)  # an auditor gets the 403 whatever the body
    body = _read_body(request)
    if body is None:
        return _json(413, {"detail": _("The request body is too large.")})
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return _json(400, {"detail": _("The request body is not valid JSON.")})
    if not isinstance(payload, dict):
        return _json(422, {"detail": _("Send a JSON object with “source” and “events”.")})
    source, events = payload.get("source"), payload.get("events")
    if not isinstance(events, list):
        return _json(422, {"detail": _("“events” must be a list of events.")})
    if not isinstance(source, str):
        return _json(422, {"detail": _("“source” must be the name of the scanner.")})
    result = events_ingest(actor=request.user, source=source, events=events)
    return _json(
        200,
        {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": [
                {"index": r.index, "s10": r.s10, "reason": r.reason, "fault": r.fault}
                for r in result.rejected
            ],
        },
    )


def _choice(code: str, label: str) -> dict[str, str] | None:
    return {"code": code, "label": label} if code else None


def timeline_data(timeline: Timeline) -> dict[str, Any]:
    """The public JSON of a timeline."""
    return {
        "s10": timeline.s10,
        "service": {"code": timeline.service, "label": timeline.service_label},
        "status": {"code": timeline.status, "label": timeline.status_label},
        "returning": timeline.returning,
        "delivered_at": timeline.delivered_at.isoformat() if timeline.delivered_at else None,
        "origin": {"commune": timeline.origin.commune, "province": timeline.origin.province},
        "destination": {
            "commune": timeline.destination.commune,
            "province": timeline.destination.province,
        },
        "events": [_event_data(e, e.occurred_at.isoformat()) for e in timeline.events],
    }


def _event_data(e: TimelineEvent, time: str) -> dict[str, Any]:
    return {
        "code": e.code,
        "label": e.label,
        "office_code": e.office_code,
        "office_name": e.office_name,
        "time": time,
        # dd/mm/yyyy HH:MM, cut from the ISO text (strftime costs more than the rest)
        "time_display": f"{time[8:10]}/{time[5:7]}/{time[:4]} {time[11:16]}",
        "reason": _choice(e.reason, e.reason_label),
        "action": _choice(e.action, e.action_label),
        "received_by": e.received_by,
    }


@router.get(
    "/{s10}",
    auth=None,
    response={200: TimelineOut, 400: DetailOut, 404: DetailOut},
    summary="Track an item (public)",
    operation_id="buudien_mail_tracking_api_tracking_get",
)
def tracking_get(request: HttpRequest, s10: str) -> HttpResponse:
    """Where an item is, for anyone. 400 with the fault for a malformed id or a wrong check
    digit (the message names the expected digit), 404 for an unknown item; a KT1 item gets
    exactly the 404 of an unknown one."""
    try:
        key = str(s10_parse(s10))
    except S10Error as exc:
        return _json(400, {"detail": str(exc.message), "fault": exc.fault})
    timeline = item_timeline(key)
    if timeline is None:
        return _json(404, {"detail": _("No item with this number.")})
    return _json(200, timeline_data(timeline))
