from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "anju.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Complaint changes are logged by the complaints' own hook (complaints/audit_trail.py).
        from anju.audit import receivers

        receivers.connect()
