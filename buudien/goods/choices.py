"""The words of goods, stock and sales (phân phối hàng tiêu dùng)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VAT_RATES = (0, 5, 8, 10)


class ProductGroup(models.TextChoices):
    CONSUMER = "consumer", _("Consumer goods")
    LOCAL = "local", _("Agricultural and local (OCOP) products")
    STATIONERY = "stationery", _("Stationery")
    BOOKS = "books", pgettext_lazy("goods", "Books")
    OTHER = "other", pgettext_lazy("product group", "Other")


class SupplierMode(models.TextChoices):
    PURCHASE = "purchase", _("Purchase: the post owns the stock")
    CONSIGNMENT = "consignment", _("Consignment: sold on the supplier's behalf")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Received from a supplier")
    TRANSFER_OUT = "transfer_out", _("Sent to another point")
    TRANSFER_IN = "transfer_in", _("Received from another point")
    SALE = "sale", _("Sold")
    CUSTOMER_RETURN = "customer_return", _("Returned by a customer")
    WRITE_OFF = "write_off", _("Written off")
    STOCKTAKE = "stocktake", _("Stocktake difference")


class TransferStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("transfer status", "Sent")
    RECEIVED = "received", pgettext_lazy("transfer status", "Received")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    VIETQR = "vietqr", _("VietQR transfer")
    COD = "cod", _("Cash on delivery (sent by parcel)")


class OrderChannel(models.TextChoices):
    """How a buyer ordered goods sent to them by parcel."""

    COUNTER = "counter", _("At the counter")
    PHONE = "phone", _("By phone")


class OrderStatus(models.TextChoices):
    """A goods order: sent (its parcel on its way, cash on delivery), paid (the postman
    collected the money), or back in stock (the parcel came back and was checked in)."""

    SENT = "sent", pgettext_lazy("goods order", "Sent, awaiting payment")
    PAID = "paid", pgettext_lazy("goods order", "Paid on delivery")
    RETURNED = "returned", pgettext_lazy("goods order", "Came back, goods in stock")


class ApprovalStatus(models.TextChoices):
    """A write-off or a stocktake: booked only once an accountant approves it."""

    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("approval status", "Approved")
