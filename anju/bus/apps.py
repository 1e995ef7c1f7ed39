from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusConfig(AppConfig):
    name = "anju.bus"
    label = "bus"
    verbose_name = _("Event subscribers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anju.bus import hooks, runner  # noqa: F401  (hooks: records deliveries with every event)
        from anju.worker import loops

        # `anju worker` runs the subscribers: a thread of `serve`, `drain` with --once.
        loops.loop("subscribers", drain=runner.drain, serve=runner.serve)
