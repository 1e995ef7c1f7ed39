"""Settings of the ``anju worker`` subprocesses started by the fault tests.

Anju's own settings plus the test app ``tests.faults.app``, which registers the test
subscribers (``faults.slow``, ``faults.flaky``) in the worker process. Everything else
comes from the environment the tests pass (``tests/faults/conftest.py``), among it a
short ``ANJU_BUS_LEASE_SECONDS`` where a restarted worker must take over a killed one's
deliveries within seconds.
"""

from anju.settings import *  # noqa: F403
from anju.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.faults.app.FaultsConfig"]
