from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoodsConfig(AppConfig):
    name = "buudien.goods"
    label = "goods"
    verbose_name = _("Goods and stock")
