from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "anju.worker"
    label = "worker"
    verbose_name = _("Worker")

    def ready(self) -> None:
        # Importing the tasks modules registers their periodic jobs.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
