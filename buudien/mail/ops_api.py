from ninja import Router

router = Router(tags=["mail operations"])
