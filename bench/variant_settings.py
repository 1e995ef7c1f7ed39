"""Anju's settings with database options overridden, for trying a change before proposing it.

``intake.py --db CONN_MAX_AGE=60 --db CONN_HEALTH_CHECKS=false`` sets
``BENCH_DB_OVERRIDES`` to a JSON object and points DJANGO_SETTINGS_MODULE here.
Nothing in Anju imports this module.
"""

import json
import os

from anju.settings import *  # noqa: F403
from anju.settings import DATABASES

DATABASES["default"].update(json.loads(os.environ.get("BENCH_DB_OVERRIDES", "{}")))
