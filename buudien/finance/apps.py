from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "buudien.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from buudien.finance import costs as _costs  # noqa: F401  (the costs import kind)
