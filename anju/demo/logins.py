"""The block of demo sign-ins printed at the end of ``anju demo``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from anju.demo.people import DEMO_RESIDENTS, PASSWORD, STAFF
from anju.demo.places import ESTATES
from anju.staff.models import Role


def logins_text(*, port: str) -> str:
    base = f"http://127.0.0.1:{port}"
    estates = {spec.code: spec.name for spec in ESTATES}
    names = {spec.username: spec.name for spec in STAFF}
    lines = [
        "=" * 72,
        _("Anju demo: sign-ins"),
        "=" * 72,
        _("Staff console: %(url)s") % {"url": f"{base}/console/"},
        _("Password for every staff account: %(password)s") % {"password": PASSWORD},
        "",
    ]
    for role in Role:
        users = [spec for spec in STAFF if spec.role == role]
        lines.append(f"  {role.label}:")
        for spec in users:
            where = estates.get(spec.estate or "", _("all estates"))
            lines.append(f"    {spec.username:<22} {names[spec.username]}  ({where})")
    lines += [
        "",
        _("Django admin: %(url)s (user admin)") % {"url": f"{base}/admin/"},
        _("  admin and quality set up two-factor sign-in the first time they sign in: scan the "
          "QR code with any authenticator app (or type the key shown)."),
        _("  Staff see complainants' names and phone numbers masked; \"Show in full\" on a "
          "complaint reveals them and records it in the audit log."),
        "",
        _("Resident portal: %(url)s") % {"url": f"{base}/portal/"},
    ]
    for resident in DEMO_RESIDENTS:
        lines.append(f"    {resident.phone}  {resident.name}  {estates[resident.estate]} "
                     f"{resident.building}{resident.unit}{resident.room}")
    lines += [
        _("  Sign in with one of these numbers; the sign-in code is not texted to anyone but "
          "written to the server log (the console SMS backend)."),
        "=" * 72,
    ]
    return "\n".join(lines)
