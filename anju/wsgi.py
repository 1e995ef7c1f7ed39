"""The WSGI application (gunicorn ``anju.wsgi:application``).

gunicorn runs no system checks, so the settings that only Django can check (backends
given as dotted paths, …; ``anju/lib/checks.py``) are validated here, once the
application is loaded: a bad one stops the worker at boot with a message naming the
variable, as ``anju check`` would, instead of failing inside a request.
"""

import os

from django.core.wsgi import get_wsgi_application

from anju.lib.checks import validate

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
application = get_wsgi_application()
validate()
