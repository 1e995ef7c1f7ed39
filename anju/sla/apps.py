from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "anju.sla"
    label = "sla"
    verbose_name = _("Deadlines (SLA)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # In-transaction hooks, the policy cache's signals, the subscriber, the periodic sweeps.
        from anju.sla import hooks, policies, subscribers, tasks  # noqa: F401
