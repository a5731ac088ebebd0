from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelecomConfig(AppConfig):
    name = "buudien.telecom"
    label = "telecom"
    verbose_name = _("Telecom top-ups and cards")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.telecom import demo, importers  # noqa: F401  (registers the import kind)

        # After goods, before the cash closings: the sales fill the drawers.
        register_demo_step(DemoStep(order=72, name="telecom.year", build=demo.build))
