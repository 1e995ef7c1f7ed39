from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "anju.warnings"
    label = "warnings"
    verbose_name = _("Warnings")

    def ready(self) -> None:
        from anju.warnings import dead_letters, subscribers  # noqa: F401  (reason text; subscribers)
