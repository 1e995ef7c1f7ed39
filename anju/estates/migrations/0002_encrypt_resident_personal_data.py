# Residents' names and phone numbers encrypted at rest, a new optional ID card number
# (encrypted), and blind indexes for looking residents up by phone or ID number. The
# unique constraint moves from the phone to its index. Sign-in accounts of residents no
# longer keep a plaintext copy of the name.

import anju.estates.models
import anju.privacy.fields
from django.db import migrations, models

from anju.privacy.migration_ops import encrypt_columns


def clear_resident_user_names(apps, schema_editor):
    User = apps.get_model('accounts', 'User')
    User.objects.filter(resident__isnull=False).exclude(name='').update(name='')


def restore_resident_user_names(apps, schema_editor):
    # Reversed after the names were decrypted again (operations reverse in order).
    Resident = apps.get_model('estates', 'Resident')
    User = apps.get_model('accounts', 'User')
    for resident in Resident.objects.filter(user__isnull=False).only('name', 'user_id'):
        User.objects.filter(pk=resident.user_id).update(name=resident.name[:100])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_onetimecode_ip'),
        ('estates', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='resident',
            name='name',
            field=models.TextField(verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='resident',
            name='phone',
            field=models.TextField(verbose_name='phone'),
        ),
        migrations.AddField(
            model_name='resident',
            name='phone_index',
            field=anju.privacy.fields.BlindIndexField(purpose='phone', source='phone'),
        ),
        migrations.AddField(
            model_name='resident',
            name='id_number',
            field=anju.privacy.fields.EncryptedCharField(
                blank=True, default='', max_length=18,
                validators=[anju.estates.models.validate_id_number], verbose_name='ID card number'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='resident',
            name='id_number_index',
            field=anju.privacy.fields.BlindIndexField(purpose='id_number', source='id_number',
                                                      unique=True),
        ),
        migrations.RunPython(clear_resident_user_names, restore_resident_user_names),
        encrypt_columns('estates', 'resident', ['name', 'phone'],
                        indexes={'phone_index': ('phone', 'phone')}),
        migrations.AlterField(
            model_name='resident',
            name='name',
            field=anju.privacy.fields.EncryptedCharField(max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='resident',
            name='phone',
            field=anju.privacy.fields.EncryptedCharField(max_length=20, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='resident',
            name='phone_index',
            field=anju.privacy.fields.BlindIndexField(purpose='phone', source='phone', unique=True),
        ),
    ]
