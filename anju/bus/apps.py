from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusConfig(AppConfig):
    name = "anju.bus"
    label = "bus"
    verbose_name = _("Event subscribers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anju.bus import hooks  # noqa: F401  (records deliveries with every event)
