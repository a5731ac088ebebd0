"""/api/tracking/: bulk scanner events, and public tracking by S10 id."""

from ninja import Router

router = Router(tags=["tracking"])
