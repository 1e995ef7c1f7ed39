from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "anju.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from anju.audit import hooks, receivers  # noqa: F401  (the complaint-change hook)

        receivers.connect()
