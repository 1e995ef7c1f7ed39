from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "anju.routing"
    label = "routing"
    verbose_name = _("Routing and incidents")

    def ready(self) -> None:
        from anju.routing import subscribers, tasks  # noqa: F401  (subscribers; the sweep)
