from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoodsConfig(AppConfig):
    name = "buudien.goods"
    label = "goods"
    verbose_name = _("Goods and stock")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.goods import demo, demo_pace, orders
        from buudien.mail.ledger import cod_follow

        # An order's parcel delivered: its COD settles what the buyer owed.
        cod_follow(orders.order_paid)

        # After mail and dossiers, before the cash closings: the sales fill the drawers.
        register_demo_step(DemoStep(order=70, name="goods.year", build=demo.build))
        # At a province's pace, before the ledger's (which deposits its own takings).
        register_demo_step(DemoStep(order=83, name="goods.pace", build=demo_pace.build))
