"""The complaint record and its append-only trail.

A complaint captures what the source document asks an agent to record — time, place,
people and event — plus the decisions taken on it (scope, category, urgency, department,
handler, plan), its result and the resident's rating. Its ``status`` changes only through
``anju.complaints.services`` following the table in ``anju.complaints.transitions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.complaints.uploads import upload_path
from anju.privacy.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField
from anju.privacy.queries import BlindIndexed, BlindIndexQuerySet


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    REFERRED_OUT = "referred_out", _("Referred out")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")


FINAL_STATUSES = frozenset({Status.REFERRED_OUT, Status.CLOSED, Status.WITHDRAWN, Status.MERGED})
OPEN_STATUSES = frozenset(set(Status) - FINAL_STATUSES)


class Channel(models.TextChoices):
    WEB = "web", _("Resident portal")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    HOTLINE_12345 = "hotline_12345", _("12345 hotline")
    IMPORT = "import", _("Import")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class RootCause(models.TextChoices):
    FACILITY_AGEING = "facility_ageing", _("Ageing or faulty facility")
    WORKMANSHIP = "workmanship", _("Poor workmanship")
    STAFF_CONDUCT = "staff_conduct", _("Staff conduct")
    PROCESS = "process", _("Process or communication gap")
    THIRD_PARTY = "third_party", _("Third party")
    RESIDENT_BEHAVIOUR = "resident_behaviour", _("Residents' behaviour")
    CONSTRUCTION_DEFECT = "construction_defect", _("Construction defect")
    EXTERNAL = "external", _("External cause (weather, utility supplier)")
    OTHER = "other", _("Other")


class RatingReason(models.TextChoices):
    """What the complainant's verdict on the result is about (multi-select on every survey)."""

    SPEED = "speed", _("Speed")
    ATTITUDE = "attitude", _("Attitude")
    QUALITY = "quality", _("Quality of work")
    COMMUNICATION = "communication", _("Communication")
    RESULT = "result", _("Result")


class RatingSource(models.TextChoices):
    """How a rating reached us (stored with the rating event and the survey answer)."""

    CALL = "call", _("Return call")
    LINK = "link", _("Signed link")
    PORTAL = "portal", _("Resident portal")
    CONSOLE = "console", _("Staff console")
    API = "api", _("API")
    OTHER = "other", _("Other")


class Category(models.Model):
    """A complaint category (TAXONOMY.md). Codes are stable; names are editable."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.CharField(_("typical content"), max_length=300, blank=True)
    department = models.ForeignKey("staff.Department", on_delete=models.PROTECT,
                                   related_name="categories", verbose_name=_("default department"))
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Complaint(BlindIndexed, models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.RECEIVED, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False,
                                          help_text="Bumped by every transition; guards lost updates.")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="complaints",
                               verbose_name=_("estate"))

    # Who complains.
    resident = models.ForeignKey("estates.Resident", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="complaints", verbose_name=_("resident"))
    # Encrypted at rest (anju.privacy); the phone is found through contact_phone_index.
    contact_name = EncryptedCharField(_("contact name"), max_length=100, blank=True)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20, blank=True)
    contact_phone_index = BlindIndexField(source="contact_phone", purpose="phone", db_index=True)
    contact_email = EncryptedEmailField(_("contact e-mail"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False,
                                    help_text=_("Do not show the complainant to handlers."))
    confidential = models.BooleanField(_("confidential"), default=False,
                                       help_text=_("Only quality and administrators may read it."))

    # Where.
    room = models.ForeignKey("estates.Room", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="complaints", verbose_name=_("room"))
    building = models.ForeignKey("estates.Building", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="complaints", verbose_name=_("building"))
    facility = models.ForeignKey("estates.Facility", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="complaints", verbose_name=_("facility"))
    address = EncryptedCharField(_("address or place"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    # When, who else, what.
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    people_involved = EncryptedCharField(_("people involved"), max_length=300, blank=True)
    title = models.CharField(_("subject"), max_length=200, blank=True)
    description = models.TextField(_("description"))

    # Decisions.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="complaints", verbose_name=_("category"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    in_scope = models.BooleanField(_("within property-service scope"), null=True, blank=True)
    scope_reason = models.CharField(_("scope decision reason"), max_length=300, blank=True)
    referral_advice = models.CharField(_("where to go instead"), max_length=300, blank=True)
    department = models.ForeignKey("staff.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="complaints", verbose_name=_("department"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="handled_complaints", verbose_name=_("handler"))
    plan = models.TextField(_("handling plan"), blank=True)
    result = models.TextField(_("result"), blank=True)
    root_cause = models.CharField(_("root cause"), max_length=30, choices=RootCause.choices, blank=True)
    escalated = models.BooleanField(_("supervised (督办)"), default=False, db_index=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="merged", verbose_name=_("merged into"))
    # A repeat complaint (重复投诉): the earlier complaint of the same complainant, place and
    # category within the window (set by anju.warnings.detectors).
    repeat_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="repeats", verbose_name=_("repeat of"))
    status_before_hold = models.CharField(max_length=20, choices=Status.choices, blank=True,
                                          editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    # Deadlines (computed by the SLA module) and milestones.
    feedback_due_at = models.DateTimeField(_("first feedback due"), null=True, blank=True, db_index=True)
    onsite_due_at = models.DateTimeField(_("on site due"), null=True, blank=True, db_index=True)
    resolve_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True, db_index=True)
    visit_due_at = models.DateTimeField(_("return visit due"), null=True, blank=True, db_index=True)
    first_feedback_at = models.DateTimeField(_("first feedback at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    hold_started_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    held_seconds = models.PositiveIntegerField(_("time on hold (s)"), default=0)

    # The resident's verdict.
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    solved = models.BooleanField(_("solved in the resident's view"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("recorded by"))
    # NULL, not "", when absent: the unique constraint applies only to keys actually sent.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = BlindIndexQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"],
                                    name="complaint_idempotency_unique",
                                    condition=models.Q(idempotency_key__isnull=False)),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_range"),
        ]
        indexes = [
            models.Index(fields=["estate", "status", "-created_at"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["handler", "status"]),
            # An estate's statistics read the estate's complaints of a period (issue 7;
            # migration 0007, figures in docs/analytics.md "Benchmark").
            models.Index(fields=["estate", "created_at"], name="complaint_estate_created_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def summary(self) -> str:
        text = self.title or self.description
        return text if len(text) <= 40 else text[:40] + "…"

    @property
    def place(self) -> str:
        if self.room is not None:
            return self.room.label
        parts = [str(p) for p in (self.facility or self.building,) if p] + [self.address]
        return " ".join(p for p in parts if p) or self.estate.name

    @property
    def complainant_name(self) -> str:
        if self.resident is not None:
            return self.resident.name
        return self.contact_name

    @property
    def complainant_phone(self) -> str:
        if self.resident is not None:
            return self.resident.phone
        return self.contact_phone


class ComplaintEvent(models.Model):
    """One step in a complaint's trail. Written once, never updated or deleted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=60, db_index=True,
                              help_text="Dotted code, e.g. complaint.assigned")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(max_length=100, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"


class Supervision(models.Model):
    """A supervision (督办) record: someone senior pushes an overdue or sensitive case."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supervisions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("by"))
    level = models.CharField(_("level"), max_length=20, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.reason[:20]}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        INTAKE = "intake", _("Photo or file from intake")
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")
        NOTE = "note", _("Progress")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INTAKE)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class DailySequence(models.Model):
    """Last number issued per local day; bumped by one atomic upsert (see numbering)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
