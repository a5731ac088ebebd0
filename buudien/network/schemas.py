import datetime as dt

from ninja import Field, Schema

from buudien.core.catalogue import Service
from buudien.network.choices import AdminAreaStructure, PointKind, UnitKind


class UnitOut(Schema):
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None = Field(None, alias="parent.code")
    province_code: str
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None


class SuccessionOut(Schema):
    predecessor: str = Field(..., alias="predecessor.code")
    successor: str = Field(..., alias="successor.code")
    share_pct: float
    effective_on: dt.date


class CommuneChangeOut(Schema):
    predecessor_code: str = Field(..., alias="predecessor.code")
    predecessor_name: str = Field(..., alias="predecessor.name")
    successor_code: str = Field(..., alias="successor.code")
    successor_name: str = Field(..., alias="successor.name")
    effective_on: dt.date
    seat: bool


class UnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(..., min_length=1, max_length=200)
    kind: UnitKind
    parent_code: str
    province_code: str = Field("", pattern=r"^(\d{2})?$")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: UnitKind | None = None
    parent_code: str | None = None
    province_code: str | None = Field(None, pattern=r"^(\d{2})?$")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class CommuneOut(Schema):
    code: str
    name: str
    structure: AdminAreaStructure


class PointOut(Schema):
    code: str
    name: str
    kind: PointKind
    multi_service: bool
    cashless: bool
    unit_code: str = Field(..., alias="unit.code")
    province_code: str
    commune: CommuneOut | None
    commune_legacy: CommuneOut | None
    address: str
    phone: str
    opened_on: dt.date
    closed_on: dt.date | None
    services: list[Service] = []

    @staticmethod
    def resolve_services(obj: object) -> list[str]:
        if hasattr(obj, "service_list"):  # selectors.with_services: a list's, in one query
            listed: str | None = obj.service_list
            return sorted(listed.split(",")) if listed else []
        offers = getattr(obj, "offers", None)
        return sorted(o.service for o in offers.all()) if offers is not None else []


class PointIn(Schema):
    code: str = Field(..., min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(..., min_length=1, max_length=200)
    kind: PointKind
    unit_code: str
    commune_code: str
    geography: AdminAreaStructure | None = None
    multi_service: bool = False
    cashless: bool = False
    address: str = Field("", max_length=300)
    phone: str = Field("", max_length=20)
    opened_on: dt.date
    closed_on: dt.date | None = None
    services: list[Service] = []


class PointPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: PointKind | None = None
    unit_code: str | None = None
    commune_code: str | None = None
    geography: AdminAreaStructure | None = None
    multi_service: bool | None = None
    cashless: bool | None = None
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=20)
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    services: list[Service] | None = None


class CoverageOut(Schema):
    province_code: str
    province_name: str
    day: dt.date
    structure: AdminAreaStructure
    communes_total: int
    communes_covered: int
    coverage_pct: float | None
    points_active: int
    uncovered: list[CommuneOut]


class PointFilters(Schema):
    q: str = ""
    kind: PointKind | None = None
    unit: str = ""
    commune: str = ""
    multi_service: bool | None = None
    cashless: bool | None = None
    service: Service | None = None
    active_on: dt.date | None = None
