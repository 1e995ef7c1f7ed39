"""The organisation: departments, and staff with a role and a reach.

Role says what a person may do (the transition table checks it); reach says where
(which estates and departments). Both are read only through ``anju.staff.policy`` (the
capabilities of each role) and ``anju.complaints.access`` (which complaints).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    AGENT = "agent", _("Customer-service agent")
    HANDLER = "handler", _("Handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Project manager")
    QUALITY = "quality", _("Quality / headquarters")
    ADMIN = "admin", _("Administrator")


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    all_estates = models.BooleanField(
        _("reach: all estates"), default=False,
        help_text=_("Headquarters roles see every estate of the company."))
    estates = models.ManyToManyField("estates.Estate", blank=True, related_name="staff",
                                     verbose_name=_("reach: estates"))
    departments = models.ManyToManyField(Department, blank=True, related_name="staff",
                                         verbose_name=_("departments"))
    skills = models.ManyToManyField("complaints.Category", blank=True, related_name="skilled_staff",
                                    verbose_name=_("skills"))
    on_duty = models.BooleanField(_("on duty"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.get_role_display()})"

    def reaches(self, estate_id: int) -> bool:
        """Whether this estate is within the reach (one query on the link table, none for HQ)."""
        if self.all_estates:
            return True
        # Every staff intake asks this; written out, it costs a tenth of the ORM's compile.
        link = StaffProfile.estates.through
        q = connection.ops.quote_name
        sql = (f"SELECT 1 FROM {q(link._meta.db_table)} "  # noqa: S608 - names from our models
               f"WHERE {q('staffprofile_id')} = %s AND {q('estate_id')} = %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.pk, estate_id])
            return cursor.fetchone() is not None
