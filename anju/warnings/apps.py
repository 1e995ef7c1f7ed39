from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "anju.warnings"
    label = "warnings"
    verbose_name = _("Warnings")

    def ready(self) -> None:
        from anju.warnings import subscribers  # noqa: F401  (registers its subscriber)
