from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "anju.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from anju.complaints import audit_trail  # noqa: F401  (the audit log's hook)

