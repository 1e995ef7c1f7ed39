"""督办 has one event code: the deadline ladder's steps were ``complaint.supervised``.

They become ``complaint.escalate`` with ``data["source"] = "ladder"``, like the steps the
ladder writes now (``services.complaints_supervise_by_ladder``). The ladder's old data
kept its step as ``level`` (1–3); it moves to ``step``, and ``level`` names the role like a
supervision's level does.
"""

from django.db import migrations

LEVEL_NAME = {1: "supervisor", 2: "manager", 3: "quality"}


def forwards(apps, schema_editor):
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    for event in ComplaintEvent.objects.filter(action="complaint.supervised").iterator():
        data = dict(event.data or {})
        step = data.pop("level", None)
        data.update(source="ladder", step=step, level=LEVEL_NAME.get(step, ""))
        ComplaintEvent.objects.filter(pk=event.pk).update(action="complaint.escalate", data=data)


def backwards(apps, schema_editor):
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    for event in ComplaintEvent.objects.filter(action="complaint.escalate",
                                               data__source="ladder").iterator():
        data = dict(event.data or {})
        data.pop("source", None)
        data.pop("level", None)
        data["level"] = data.pop("step", None)
        ComplaintEvent.objects.filter(pk=event.pk).update(action="complaint.supervised", data=data)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_analytics_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
