"""Make the audit table append-only in the database itself (UPDATE and DELETE refused)."""

from django.db import migrations

from anju.audit import triggers


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_audit_log"),
    ]

    operations = [
        triggers.VendorRunSQL("sqlite", triggers.SQLITE_INSTALL, triggers.SQLITE_REMOVE),
        triggers.VendorRunSQL("postgresql", triggers.POSTGRES_INSTALL, triggers.POSTGRES_REMOVE),
    ]
