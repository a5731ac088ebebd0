from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterConfig(AppConfig):
    name = "buudien.counter"
    label = "counter"
    verbose_name = _("Counter")
