from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressConfig(AppConfig):
    name = "buudien.press"
    label = "press"
    verbose_name = _("Press")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.press import demo, demo_issues, demo_pace

        # After goods, before the cash closings: the subscriptions fill the drawers.
        register_demo_step(DemoStep(order=76, name="press.year", build=demo.build))
        # Then the issues and deliveries of the last weeks, on those subscriptions.
        register_demo_step(DemoStep(order=77, name="press.issues", build=demo_issues.build))
        # The rest of the year's subscriptions at a province's pace, before the plans (their
        # issues stay the sample's weeks).
        register_demo_step(DemoStep(order=88, name="press.pace", build=demo_pace.build))
