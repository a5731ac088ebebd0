from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "buudien.planning"
    label = "planning"
    verbose_name = _("Plans and reports")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.planning import demo
        from buudien.planning import importers as _importers  # noqa: F401  (plans, revenue ...)
        from buudien.planning import jobs as _jobs  # noqa: F401  (the report's files)

        register_demo_step(DemoStep(order=90, name="planning.plans", build=demo.build))
