from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "buudien.collection"
    label = "collection"
    verbose_name = _("Bill collection")

    def ready(self) -> None:
        from buudien.collection import demo
        from buudien.collection import services as _services  # noqa: F401  (cashless handler)
        from buudien.core.demo import DemoStep, register_demo_step

        register_demo_step(DemoStep(order=30, name="collection.year", build=demo.build))
