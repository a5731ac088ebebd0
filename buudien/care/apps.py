from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "buudien.care"
    label = "care"
    verbose_name = _("Customer care")

    def ready(self) -> None:
        from buudien.care import demo
        from buudien.core.demo import DemoStep, register_demo_step

        # After mail's year (the complaints are about its items) and the other services,
        # before the plans and the cash closings (a compensation paid at a counter, once
        # the demo pays them, goes through the drawers they close).
        register_demo_step(DemoStep(order=80, name="care.year", build=demo.build))
