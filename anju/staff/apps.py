from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "anju.staff"
    label = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from anju.staff import checks  # noqa: F401  (anju.E005, a settings check of lib.checks)
