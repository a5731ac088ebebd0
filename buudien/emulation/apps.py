from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "buudien.emulation"
    label = "emulation"
    verbose_name = _("Emulation and commendation")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.emulation import demo

        # After the year's operations and the plans (last year's pledges are judged by the
        # figures they make), before the cash closings.
        register_demo_step(DemoStep(order=95, name="emulation.year", build=demo.build))
