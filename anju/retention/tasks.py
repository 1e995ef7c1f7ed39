from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from anju.retention.services import retention_apply
from anju.worker.schedule import periodic

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1))
@task()
def apply_retention() -> dict:
    """Anonymise expired complaints and delete old codes and messages, once a day."""
    report = retention_apply()
    logger.info("Retention: %s complaints anonymised, %s files removed, %s codes and %s "
                "messages deleted", report.complaints, report.files_removed,
                report.sign_in_codes_deleted, report.messages_deleted)
    return report.as_dict()
