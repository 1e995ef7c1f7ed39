"""Attachment files: prepared before the transaction, kept only when the change commits.

Every test compares what is on disk under the test's MEDIA_ROOT with the files the
committed ``Attachment`` rows name (``anju/complaints/filestore.py``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.complaints import filestore, hooks, services, uploads
from anju.complaints.models import Attachment, Channel, Complaint, Status
from anju.lib.errors import Conflict, IllegalTransition
from tests.attachments_security.pictures import gps_jpeg, png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "报价.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def on_disk() -> set[str]:
    """Every file under MEDIA_ROOT, as a storage name."""
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def committed() -> set[str]:
    return set(Attachment.objects.exclude(file="").values_list("file", flat=True))


def pending() -> set[str]:
    return {name for name in on_disk() if name.startswith(filestore.PENDING_DIR + "/")}


class Boom(Exception):
    pass


@pytest.fixture
def arm_failing_hook():
    """Registers an in-transaction hook that raises, for the rest of the test only."""

    def fail(changes):
        raise Boom()

    yield lambda: hooks.after_events("tests.fail", order=1)(fail)
    hooks._after_events[:] = [h for h in hooks._after_events if h.name != "tests.fail"]


@pytest.fixture
def in_progress(new_complaint, agent, handler, departments):
    """A complaint the engineering handler has signed for."""

    def make(**overrides):
        complaint = new_complaint(**overrides)
        services.complaint_verify(actor=agent, complaint_id=complaint.pk, category="repair")
        services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                                  department=departments["engineering"], handler=handler,
                                  plan="今天下午上门查看")
        return services.complaint_accept(actor=handler, complaint_id=complaint.pk)

    return make


def served(user, attachment: Attachment) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("files:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# --------------------------------------------------------------------------- committed


def test_committed_files_are_on_disk_under_their_row_names_and_served(
        new_complaint, resident, in_progress, handler, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intake = new_complaint(files=[gps_jpeg(), pdf()])
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_add_note(actor=agent, complaint_id=intake.pk, note="补充照片",
                                    files=[png("补充.png")])
    complaint = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_resolve(actor=handler, complaint_id=complaint.pk, result="已修好",
                                   before_files=[png("before.png")],
                                   after_files=[png("a1.png"), png("a2.png")])

    # The rows name exactly the files on disk: no pending marks, nothing else.
    assert on_disk() == committed() and len(committed()) == 6
    kinds = list(complaint.attachments.values_list("kind", flat=True))
    assert kinds == [Attachment.Kind.BEFORE, Attachment.Kind.AFTER, Attachment.Kind.AFTER]
    for attachment in Attachment.objects.all():
        stored = (Path(settings.MEDIA_ROOT) / attachment.file.name).read_bytes()
        assert len(stored) == attachment.size
        reader = resident.user if attachment.complaint_id == intake.pk else handler
        assert served(reader, attachment) == stored
    photo, document = intake.attachments.filter(kind=Attachment.Kind.INTAKE)
    assert photo.content_type == "image/jpeg" and b"ExamplePhone" not in served(resident.user, photo)
    assert served(agent, document) == PDF
    assert document.original_name == "报价.pdf" and document.file.name.endswith(".pdf")


def test_photos_are_reencoded_and_files_written_before_the_transaction(
        monkeypatch, new_complaint, in_progress, handler, agent):
    baseline = len(connection.atomic_blocks)  # pytest-django's test transaction
    depths: list[tuple[str, int]] = []
    prepare, save = uploads.prepare, FileSystemStorage.save

    def recording_prepare(upload, content_type):
        depths.append(("prepare", len(connection.atomic_blocks)))
        return prepare(upload, content_type)

    def recording_save(self, name, content, *args, **kwargs):
        depths.append(("save", len(connection.atomic_blocks)))
        return save(self, name, content, *args, **kwargs)

    monkeypatch.setattr(uploads, "prepare", recording_prepare)
    monkeypatch.setattr(FileSystemStorage, "save", recording_save)

    complaint = new_complaint(files=[gps_jpeg()])
    services.complaint_add_note(actor=agent, complaint_id=complaint.pk, files=[png()])
    other = in_progress()
    depths.clear()  # in_progress filed one more complaint (without files)
    services.complaint_resolve(actor=handler, complaint_id=other.pk, result="已修好",
                               before_files=[png("before.png")], after_files=[gps_jpeg("after.jpg")])

    # Resolve: two photos re-encoded, each written after its pending mark, all outside
    # any transaction the service opened.
    assert [what for what, _ in depths] == ["prepare", "save", "save"] * 2
    assert {depth for _, depth in depths} == {baseline}
    assert Attachment.objects.count() == 4


# --------------------------------------------------------------------------- rolled back


def test_a_note_on_a_stale_version_leaves_no_file(new_complaint, agent,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(files=[png()])
    before = on_disk()
    with pytest.raises(Conflict):
        services.complaint_add_note(actor=agent, complaint_id=complaint.pk, note="迟到的备注",
                                    files=[gps_jpeg(), pdf()], version=complaint.version + 1)
    assert on_disk() == before == committed()
    assert complaint.attachments.count() == 1


def test_an_illegal_resolve_leaves_no_file(in_progress, handler, django_capture_on_commit_callbacks):
    complaint = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_resolve(actor=handler, complaint_id=complaint.pk, result="已修好",
                                   before_files=[png("before.png")], after_files=[png("after.png")])
    with pytest.raises(IllegalTransition):  # resolved already
        services.complaint_resolve(actor=handler, complaint_id=complaint.pk, result="再修一次",
                                   before_files=[png("b2.png")], after_files=[gps_jpeg(), pdf()])
    assert on_disk() == committed() and len(committed()) == 2


def test_a_failing_hook_rolls_back_intake_notes_and_resolve_with_their_files(
        new_complaint, in_progress, agent, handler, arm_failing_hook):
    complaint = in_progress()
    arm_failing_hook()

    with pytest.raises(Boom):
        new_complaint(files=[gps_jpeg(), pdf()], description="电梯又坏了，困了十分钟")
    with pytest.raises(Boom):
        services.complaint_add_note(actor=agent, complaint_id=complaint.pk, files=[png()])
    with pytest.raises(Boom):
        services.complaint_resolve(actor=handler, complaint_id=complaint.pk, result="已修好",
                                   before_files=[png("before.png")],
                                   after_files=[png("a1.png"), gps_jpeg("a2.jpg")])

    assert on_disk() == set() and not Attachment.objects.exists()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert Complaint.objects.count() == 1


def test_an_idempotent_retry_that_loses_the_race_leaves_no_file(
        resident, world, django_capture_on_commit_callbacks):
    """The retry's first look finds nothing; the first request commits before the retry's
    insert, which then hits the unique key and returns the first complaint."""
    kwargs = {"actor": resident.user, "channel": Channel.WEB, "estate": world["a"]["estate"],
              "room": world["a"]["rooms"][0], "description": "楼道灯不亮",
              "idempotency_key": "retry-1"}
    raced: list[Complaint] = []
    racing = []

    @hooks.before_intake("tests.race", order=1)
    def first_request_commits_meanwhile(complaint, data):
        if not racing:
            racing.append(True)
            raced.append(services.complaint_create(**kwargs, files=[png("first.png")]).complaint)

    try:
        with django_capture_on_commit_callbacks(execute=True):
            retry = services.complaint_create(**kwargs, files=[gps_jpeg("retry.jpg"), pdf()])
    finally:
        hooks._before_intake[:] = [h for h in hooks._before_intake if h.name != "tests.race"]

    assert retry.created is False and retry.complaint.pk == raced[0].pk
    assert on_disk() == committed() and len(committed()) == 1
    assert raced[0].attachments.get().original_name == "first.png"


# --------------------------------------------------------------------------- what the sweep settles


def test_an_outer_transaction_rolled_back_later_is_swept_after_an_hour(new_complaint, agent):
    complaint = new_complaint()
    with pytest.raises(Boom), transaction.atomic():
        services.complaint_add_note(actor=agent, complaint_id=complaint.pk, files=[png(), pdf()])
        raise Boom()  # after the service returned: its savepoint was released, not committed

    assert not Attachment.objects.exists()
    left = on_disk()
    assert len(pending()) == 2 and len(left) == 4  # two files, each with its mark
    assert filestore.sweep().files_removed == 0  # too fresh: the change may still commit
    assert on_disk() == left
    report = filestore.sweep(now=timezone.now() + timedelta(hours=2))
    assert report.as_dict() == {"files_removed": 2, "marks_cleared": 2}
    assert on_disk() == set()


def test_a_crash_between_commit_and_clearing_the_marks_keeps_the_files(new_complaint, resident):
    # Committed, but the on-commit clearing never ran (the process died right after the
    # commit — here: pytest-django's test transaction never commits).
    complaint = new_complaint(files=[png(), pdf()])
    assert len(pending()) == 2

    report = filestore.sweep(now=timezone.now() + timedelta(hours=2))
    assert report.as_dict() == {"files_removed": 0, "marks_cleared": 2}
    assert on_disk() == committed() and len(committed()) == 2
    for attachment in complaint.attachments.all():
        assert served(resident.user, attachment) == attachment.file.read()


def test_the_sweep_is_a_periodic_job_of_the_worker():
    from anju.worker.schedule import REGISTRY

    job = REGISTRY["anju.complaints.tasks.sweep_pending_files"]
    assert job.every == timedelta(hours=1) == filestore.STALE_AFTER


# --------------------------------------------------------------------------- real commits


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_transactions_commit_files_and_roll_them_back(monkeypatch, new_complaint, agent,
                                                          in_progress, handler):
    """Without pytest-django's wrapping transaction: the service's own commit and rollback."""
    in_atomic: list[bool] = []
    prepare = uploads.prepare

    def recording_prepare(upload, content_type):
        in_atomic.append(connection.in_atomic_block)
        return prepare(upload, content_type)

    monkeypatch.setattr(uploads, "prepare", recording_prepare)

    complaint = new_complaint(files=[gps_jpeg()])
    other = in_progress()
    services.complaint_resolve(actor=handler, complaint_id=other.pk, result="已修好",
                               before_files=[png("before.png")], after_files=[png("after.png")])
    assert on_disk() == committed() and len(committed()) == 3  # the marks went on commit
    assert in_atomic == [False, False, False]

    with pytest.raises(Conflict):
        services.complaint_add_note(actor=agent, complaint_id=complaint.pk, files=[png(), pdf()],
                                    version=complaint.version - 1)
    assert on_disk() == committed() and len(committed()) == 3
