from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "buudien.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.mail import demo, demo_year
        from buudien.mail.batches import importers as _importers  # noqa: F401  (registers "items")

        register_demo_step(DemoStep(order=10, name="mail.tariffs", build=demo.build))
        register_demo_step(DemoStep(order=20, name="mail.year", build=demo_year.build))
