from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "buudien.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.finance import costs as _costs  # noqa: F401  (the costs import kind)
        from buudien.finance import demo
        from buudien.finance import jobs as _jobs  # noqa: F401  (the rollups' rebuild)
        from buudien.finance import reversals as _reversals  # noqa: F401  (its cancellation)

        register_demo_step(DemoStep(order=85, name="finance.pace", build=demo.build))
