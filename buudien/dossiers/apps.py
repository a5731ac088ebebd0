from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "buudien.dossiers"
    label = "dossiers"
    verbose_name = _("Administrative dossiers")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.dossiers import demo, demo_pace, services
        from buudien.mail.tracking.delivered import delivery_follow

        register_demo_step(DemoStep(order=50, name="dossiers.year", build=demo.build))
        # The rest of the year at a province's pace, after the ledger's, before the plans.
        register_demo_step(DemoStep(order=89, name="dossiers.pace", build=demo_pace.build))
        # A result posted to the applicant is returned when mail delivers its item, and
        # waits at the counter when mail brings it back.
        delivery_follow(services.results_follow)
