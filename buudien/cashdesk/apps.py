from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CashdeskConfig(AppConfig):
    name = "buudien.cashdesk"
    label = "cashdesk"
    verbose_name = _("Cash desk")

    def ready(self) -> None:
        from buudien.cashdesk import demo
        from buudien.core.demo import DemoStep, register_demo_step

        # Last: the closings count what every other step put through the drawers.
        register_demo_step(DemoStep(order=900, name="cashdesk.closings", build=demo.build))
