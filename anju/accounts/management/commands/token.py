"""``anju token``: issue, list and revoke API keys.

The key is printed once, at creation; only its hash is stored. Revoking is
immediate: the next request with the key is answered 401.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from anju.accounts import signals
from anju.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create, list or revoke API keys (Authorization: Bearer <key>)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Issue a key for a user; it is printed once.")
        create.add_argument("--user", required=True, help="Username the key acts as.")
        create.add_argument("--name", required=True, help="What the key is for, e.g. 12345-bridge.")
        listing = sub.add_parser("list", help="List keys (prefix, user, name, dates).")
        listing.add_argument("--user", help="Only this user's keys.")
        listing.add_argument("--all", dest="include_revoked", action="store_true",
                             help="Include revoked keys.")
        revoke = sub.add_parser("revoke", help="Revoke the key with this prefix.")
        revoke.add_argument("prefix", help="The 8 characters after 'anju_' shown by 'list'.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        getattr(self, f"_{subcommand}")(**options)

    def _create(self, *, user: str, name: str, **options: Any) -> None:
        try:
            owner = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {user!r}.") from None
        if not name.strip():
            raise CommandError("--name must not be blank.")
        token, key = ApiToken.issue(user=owner, name=name.strip()[:100])
        self.stderr.write(f"Created key {token.prefix} for {owner.username} ({token.name}). "
                          "Store it now; it cannot be shown again:")
        self.stdout.write(key)

    def _list(self, *, user: str | None = None, include_revoked: bool = False,
              **options: Any) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("-created_at")
        if user:
            tokens = tokens.filter(user__username=user)
        if not include_revoked:
            tokens = tokens.filter(revoked_at__isnull=True)
        self.stdout.write(f"{'PREFIX':<9}{'USER':<20}{'NAME':<30}{'CREATED':<17}{'LAST USED':<17}"
                          "REVOKED")
        for t in tokens:
            self.stdout.write(f"{t.prefix:<9}{t.user.username:<20}{t.name:<30}"
                              f"{_when(t.created_at):<17}{_when(t.last_used_at):<17}"
                              f"{_when(t.revoked_at)}")

    def _revoke(self, *, prefix: str, **options: Any) -> None:
        prefix = prefix.removeprefix("anju_")[:8]
        matches = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)[:2])
        if not matches:
            raise CommandError(f"No live key with prefix {prefix!r}.")
        if len(matches) > 1:
            raise CommandError(f"Several keys start with {prefix!r}; revoke them in the admin.")
        with transaction.atomic():
            ApiToken.objects.filter(pk=matches[0].pk).update(revoked_at=timezone.now())
            signals.token_revoked.send(sender=ApiToken, token=matches[0])  # audit: token.revoked
        self.stdout.write(f"Revoked key {prefix} ({matches[0].name}).")


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"
