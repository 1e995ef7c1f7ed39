from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "anju.sla"
    label = "sla"
    verbose_name = _("Deadlines (SLA)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anju.sla import policies, receivers, tasks  # noqa: F401  (cache signals, follow-ups, sweeps)
