from django.db import migrations


def seed(apps, schema_editor):
    from anju.complaints import taxonomy

    taxonomy.seed(apps.get_model("staff", "Department"), apps.get_model("complaints", "Category"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_initial"), ("staff", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
