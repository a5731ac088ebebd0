from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyConfig(AppConfig):
    name = "buudien.agency"
    label = "agency"
    verbose_name = _("Savings, credit, payment accounts and remittances")

    def ready(self) -> None:
        from buudien.agency import demo, demo_pace
        from buudien.core.demo import DemoStep, register_demo_step

        register_demo_step(DemoStep(order=40, name="agency.year", build=demo.build))
        # The rest of the year's payment accounts at a province's pace, before the plans.
        register_demo_step(DemoStep(order=84, name="agency.accounts_pace", build=demo_pace.build))
