"""``anju demo``: a company with two estates, its people and six months of complaints.

Run by ``make run`` after ``migrate``. Running it again changes nothing and prints
the sign-ins again.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.demo.build import DEFAULT_COMPLAINTS, DEFAULT_SEED, NamesTaken, build_demo, demo_exists
from anju.demo.logins import logins_text

MIN_COMPLAINTS = 40  # enough for every status, category and urgency to appear


class Command(BaseCommand):
    help = "Create demo data (company, estates, residents, staff, complaint history) once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS,
                            help="How many complaints of history to create (default %(default)s).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Random seed; the same seed gives the same demo.")

    def handle(self, *args: Any, complaints: int, seed: int, **options: Any) -> None:
        if complaints < MIN_COMPLAINTS:
            raise CommandError(_("Please ask for at least %(count)s complaints.")
                               % {"count": MIN_COMPLAINTS})
        if demo_exists():
            self.stdout.write(_("The demo data is already there; nothing was changed."))
        else:
            self._build(complaints, seed, verbose=options["verbosity"] >= 2)
        self.stdout.write(logins_text(port=str(settings.ANJU_PORT)))

    def _build(self, complaints: int, seed: int, *, verbose: bool) -> None:
        started = time.monotonic()

        def log(message: str) -> None:
            if verbose:
                self.stdout.write(f"  {time.monotonic() - started:6.1f}s {message}")

        self.stdout.write(_("Creating the demo data…"))
        try:
            built = build_demo(complaints=complaints, seed=seed, now=timezone.now(), log=log)
        except NamesTaken as exc:
            raise CommandError(_("The demo needs estate codes and usernames that are already in "
                                 "use: %(names)s. Run it on a fresh database.")
                               % {"names": str(exc)}) from None
        self.stdout.write(self.style.SUCCESS(
            _("Created %(rooms)s rooms, %(residents)s residents, %(staff)s staff and "
              "%(complaints)s complaints (%(steps)s steps) in %(seconds).1f s.") % {
                "rooms": built.rooms, "residents": built.residents, "staff": built.staff,
                "complaints": built.complaints, "steps": built.steps,
                "seconds": time.monotonic() - started}))
