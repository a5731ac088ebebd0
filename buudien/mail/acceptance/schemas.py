"""Schemas of /api/mail/. Money is an integer number of đồng; weights in grams, sizes in
millimetres. Every input is bounded, so no value can reach the database out of range."""

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StrictInt

from buudien.mail.acceptance.labels import tracking_path
from buudien.mail.acceptance.pricing import MAX_AMOUNT, MAX_SIDE_MM
from buudien.mail.choices import ItemStatus, Kt1Grade, Kt1Urgency, MailService, Zone
from buudien.network.choices import AdminAreaStructure

MAX_WEIGHT_G = 1_000_000  # far above any tariff's maximum: the tariff refuses with a reason
POINT_CODE = r"^[A-Za-z0-9_.-]{1,16}$"
COMMUNE_CODE = r"^\d{1,5}$"
PROVINCE_CODE = r"^\d{1,2}$"
AddOnCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
Side = Annotated[StrictInt, Field(ge=0, le=MAX_SIDE_MM)]


class CommuneRef(Schema):
    code: str
    name: str
    structure: AdminAreaStructure
    province_code: str


class AddOnLineOut(Schema):
    code: str
    name: str
    amount: int


class PriceOut(Schema):
    base: int
    surcharge: int
    addons: int
    vat_rate_bp: int
    vat: int
    total: int


class ItemOut(Schema):
    s10: str
    service: MailService
    status: ItemStatus
    province_code: str
    accepted_point_code: str = Field(..., alias="accepted_point.code")
    accepted_by: str | None = None
    accepted_at: dt.datetime
    accepted_on: dt.date
    sender_name: str
    sender_phone: str
    sender_address: str
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    recipient_commune: CommuneRef
    recipient_province_code: str
    delivery_point_code: str | None = None
    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int
    charged_weight_g: int
    declared_value: int
    cod_amount: int
    addons: list[AddOnLineOut]
    zone: Zone
    remote: bool
    price: PriceOut | None = None
    kt1_grade: str
    kt1_urgency: str
    kt1_deadline: dt.datetime | None
    last_event_code: str
    last_event_at: dt.datetime | None
    tracking_url: str = ""

    @staticmethod
    def resolve_accepted_by(obj: Any) -> str | None:
        user = obj.accepted_by
        return user.get_username() if user is not None else None

    @staticmethod
    def resolve_delivery_point_code(obj: Any) -> str | None:
        return obj.delivery_point.code if obj.delivery_point_id else None

    @staticmethod
    def resolve_price(obj: Any) -> dict[str, int]:
        return {
            "base": obj.price_base,
            "surcharge": obj.price_surcharge,
            "addons": obj.price_addons,
            "vat_rate_bp": obj.tariff.vat_rate_bp,
            "vat": obj.price_vat,
            "total": obj.price_total,
        }

    @staticmethod
    def resolve_tracking_url(obj: Any) -> str:
        return tracking_path(obj)


class ItemListOut(Schema):
    """A row of a list: the item without its addresses."""

    s10: str
    service: MailService
    status: ItemStatus
    accepted_point_code: str = Field(..., alias="accepted_point.code")
    accepted_at: dt.datetime
    accepted_on: dt.date
    recipient_name: str
    recipient_province_code: str
    delivery_point_code: str | None = None
    weight_g: int
    cod_amount: int
    price_total: int
    last_event_code: str
    last_event_at: dt.datetime | None

    @staticmethod
    def resolve_delivery_point_code(obj: Any) -> str | None:
        return obj.delivery_point.code if obj.delivery_point_id else None


class ItemIn(Schema):
    service: MailService
    point_code: str | None = Field(
        None, pattern=POINT_CODE, description="The accepting point; the user's own by default."
    )
    sender_name: str = Field(..., min_length=1, max_length=200)
    sender_phone: str = Field("", max_length=20)
    sender_address: str = Field("", max_length=300)
    recipient_name: str = Field(..., min_length=1, max_length=200)
    recipient_phone: str = Field("", max_length=20)
    recipient_address: str = Field(..., min_length=1, max_length=300)
    recipient_commune_code: str = Field(..., pattern=COMMUNE_CODE)
    recipient_commune_structure: AdminAreaStructure = Field(
        AdminAreaStructure.V2025,
        description="The structure the commune code belongs to; a legacy commune is converted.",
    )
    weight_g: StrictInt = Field(..., gt=0, le=MAX_WEIGHT_G)
    length_mm: Side = 0
    width_mm: Side = 0
    height_mm: Side = 0
    declared_value: StrictInt = Field(0, ge=0, le=MAX_AMOUNT)
    cod_amount: StrictInt = Field(
        0,
        ge=0,
        le=MAX_AMOUNT,
        description="The amount to collect on delivery: it charges the COD fee (the add-on "
        "cod need not be listed); the add-on cod without an amount is refused.",
    )
    addons: list[AddOnCode] = Field(default_factory=list, max_length=10)
    kt1_grade: Kt1Grade | None = None
    kt1_urgency: Kt1Urgency = Kt1Urgency.NORMAL
    kt1_deadline: dt.datetime | None = None


class ItemFilters(Schema):
    status: ItemStatus | None = None
    point: str | None = Field(None, pattern=POINT_CODE)
    service: MailService | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class QuoteIn(Schema):
    service: MailService
    origin_province: str | None = Field(
        None, pattern=PROVINCE_CODE, description="GSO code of the sender's province."
    )
    point_code: str | None = Field(
        None, pattern=POINT_CODE, description="Or the accepting point, whose province is used."
    )
    recipient_commune_code: str | None = Field(None, pattern=COMMUNE_CODE)
    recipient_commune_structure: AdminAreaStructure = AdminAreaStructure.V2025
    recipient_province: str | None = Field(
        None, pattern=PROVINCE_CODE, description="When the commune is not given."
    )
    weight_g: StrictInt = Field(..., gt=0, le=MAX_WEIGHT_G)
    length_mm: Side = 0
    width_mm: Side = 0
    height_mm: Side = 0
    declared_value: StrictInt = Field(0, ge=0, le=MAX_AMOUNT)
    cod_amount: StrictInt = Field(
        0,
        ge=0,
        le=MAX_AMOUNT,
        description="The amount to collect on delivery: it adds the COD fee; the add-on cod "
        "without an amount is refused.",
    )
    addons: list[AddOnCode] = Field(default_factory=list, max_length=10)
    day: dt.date | None = Field(None, description="The day of the tariff; today by default.")


class QuoteOut(Schema):
    service: MailService
    day: dt.date
    tariff: str
    zone: Zone
    charged_weight_g: int
    volumetric_weight_g: int
    remote: bool
    base: int
    surcharge: int
    addons: int
    addon_lines: list[AddOnLineOut]
    vat_rate_bp: int
    vat: int
    total: int
    total_in_words: str
