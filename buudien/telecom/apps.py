from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelecomConfig(AppConfig):
    name = "buudien.telecom"
    label = "telecom"
    verbose_name = _("Telecom top-ups and cards")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.telecom import demo, demo_pace, importers  # noqa: F401  (the import kind)

        # After goods, before the cash closings: the sales fill the drawers.
        register_demo_step(DemoStep(order=72, name="telecom.year", build=demo.build))
        # At a province's pace, after the ledger's: the rest of the year, through the bulk path.
        register_demo_step(DemoStep(order=86, name="telecom.pace", build=demo_pace.build))
