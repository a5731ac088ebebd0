"""/api/mail/: acceptance, items, price quotes."""

from ninja import Router

router = Router(tags=["mail"])
