from django.db import migrations


def seed(apps, schema_editor):
    from anju.complaints.taxonomy import CATEGORIES, DEPARTMENTS

    Department = apps.get_model("staff", "Department")
    Category = apps.get_model("complaints", "Category")
    departments = {}
    for code, name, name_en in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en})
    for order, (code, name, name_en, department, description) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "department": departments[department],
            "description": description, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_initial"), ("staff", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
