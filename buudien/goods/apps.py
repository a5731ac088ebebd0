from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoodsConfig(AppConfig):
    name = "buudien.goods"
    label = "goods"
    verbose_name = _("Goods and stock")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.goods import demo

        # After mail and dossiers, before the cash closings: the sales fill the drawers.
        register_demo_step(DemoStep(order=70, name="goods.year", build=demo.build))
