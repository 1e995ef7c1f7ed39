"""Settings of the ``anju worker`` subprocesses started by the fault tests.

Anju's own settings plus the test app ``tests.faults.app``, which registers the test
subscribers (``faults.slow``, ``faults.flaky``) in the worker process. Everything else
comes from the environment the tests pass (``tests/faults/conftest.py``).
"""

import os

from anju.settings import *  # noqa: F403
from anju.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.faults.app.FaultsConfig"]

# The bus runner reads this through getattr (anju/bus/runner.py); a short lease lets a
# restarted worker take over a killed worker's deliveries within seconds.
ANJU_BUS_LEASE_SECONDS = int(os.environ.get("ANJU_BUS_LEASE_SECONDS", "300"))
