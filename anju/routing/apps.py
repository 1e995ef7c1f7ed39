from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "anju.routing"
    label = "routing"
    verbose_name = _("Routing and incidents")

    def ready(self) -> None:
        # The dispatch record (an in-transaction hook), the subscribers, the sweep.
        from anju.routing import decisions, subscribers, tasks  # noqa: F401
