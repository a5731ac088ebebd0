from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CashlessConfig(AppConfig):
    name = "buudien.cashless"
    label = "cashless"
    verbose_name = _("Cashless payment")

    def ready(self) -> None:
        from buudien.cashless import demo
        from buudien.cashless import handlers as _handlers  # noqa: F401  (counter_payment)
        from buudien.cashless import importers as _importers  # noqa: F401  (bank_statement)
        from buudien.core.demo import DemoStep, register_demo_step

        register_demo_step(DemoStep(order=60, name="cashless.year", build=demo.build))
