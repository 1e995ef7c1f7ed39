from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "anju.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from anju.notify import hooks, subscribers  # noqa: F401  (complainant hook, staff-alert subscribers)
