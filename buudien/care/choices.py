"""The kinds of customer care: where a request comes from, what it is, what it is about, the
ground of a complaint, how it stands and how it ended."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    COUNTER = "counter", _("Counter")
    WEB = "web", _("Public web form")
    PARTNER = "partner", _("Partner")


class RequestKind(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class Subject(models.TextChoices):
    """What a request is about: an operation of the post, or nothing in particular."""

    ITEM = "item", _("A mail item")
    BILL = "bill", _("A bill collected")
    PAYOUT = "payout", _("A payout")
    DOSSIER = "dossier", _("An administrative dossier")
    SALE = "sale", _("A sale")
    NONE = "none", _("Nothing in particular")


class Ground(models.TextChoices):
    """The ground of a complaint. Loss and delay may be claimed for 6 months after the
    item's full-course time; damage, missing contents and a wrong price or amount for 1 month
    after delivery (Law on Postal Services 49/2010/QH12, art. 38)."""

    LOSS = "loss", _("Loss")
    DELAY = "delay", _("Delay")
    DAMAGE = "damage", _("Damage")
    CONTENTS = "contents", _("Missing contents")
    AMOUNT = "amount", _("Wrong price or amount")
    CONDUCT = "conduct", _("Staff conduct")
    OTHER = "other", pgettext_lazy("complaint ground", "Other")

    @classmethod
    def after_full_course(cls) -> frozenset[str]:
        return frozenset({cls.LOSS, cls.DELAY})

    @classmethod
    def after_delivery(cls) -> frozenset[str]:
        return frozenset({cls.DAMAGE, cls.CONTENTS, cls.AMOUNT})


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY = "partly", _("Partly upheld")
    REJECTED = "rejected", _("Rejected")


class StepKind(models.TextChoices):
    LODGED = "lodged", _("Lodged")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Investigation note")
    ANSWER = "answer", _("Answer to the customer")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")
    COMPENSATED = "compensated", _("Compensation paid")
    REFUNDED = "refunded", _("Refunded")


class CompensationRule(models.TextChoices):
    """How the most a compensation may be is computed (Decree 47/2011/NĐ-CP and the
    service's published terms; ``care.compensation``)."""

    WHOLE = "whole", _("Lost or destroyed, no declared value: 4 × the charge, and the charge")
    DECLARED = "declared", _("Lost or destroyed, declared value: the value, and the charge")
    PARTIAL = "partial", _("Partly lost or damaged: in proportion")
    DELAY = "delay", _("Late against a guaranteed time: the charge refunded")


class CompensationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class PaymentMethod(models.TextChoices):
    """How a compensation reaches the customer: cash at a counter, or a bank transfer."""

    CASH = "cash", _("Cash at a counter")
    TRANSFER = "transfer", _("Bank transfer")
