from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from anju.complaints import filestore
from anju.worker.schedule import periodic

logger = logging.getLogger(__name__)


@periodic(every=timedelta(hours=1))
@task()
def sweep_pending_files() -> dict:
    """Delete the attachment files of changes that never committed (``filestore.sweep``)."""
    report = filestore.sweep()
    if report.marks_cleared:
        logger.info("Pending files: %s removed, %s marks cleared", report.files_removed,
                    report.marks_cleared)
    return report.as_dict()
