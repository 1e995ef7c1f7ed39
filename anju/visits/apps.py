from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "anju.visits"
    label = "visits"
    verbose_name = _("Return visits and surveys")

    def ready(self) -> None:
        # Subscribers after resolve/rate, the periodic sweep, the survey-link message texts.
        from anju.visits import hooks, links, subscribers, tasks  # noqa: F401
