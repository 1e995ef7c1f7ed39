"""The ``anju`` console command: Django's manage.py plus Anju's own commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    if sys.argv[1:3] == ["keys", "generate"]:
        # Before Django starts: without keys, production refuses to start (anju/privacy).
        from anju.privacy.keys import generate_command

        sys.exit(generate_command(sys.argv[3:]))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
