from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "buudien.people"
    label = "people"
    verbose_name = _("People and access")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.people import demo, importers  # noqa: F401  (registers staff, average_income)

        # Right after the network, whose staff it counts; before the operations' years.
        register_demo_step(DemoStep(order=5, name="people.income", build=demo.build))
