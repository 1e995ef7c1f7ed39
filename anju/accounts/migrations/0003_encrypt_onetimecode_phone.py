# Sign-in codes: the phone number encrypted at rest, looked up through a blind index.
# Three steps (anju/privacy/migration_ops.py): widen to text, encrypt the rows, switch
# to the encrypted field type.

import anju.privacy.fields
from django.db import migrations, models

from anju.privacy.migration_ops import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_onetimecode_ip'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='onetimecode',
            name='accounts_on_phone_cad40d_idx',
        ),
        migrations.AlterField(
            model_name='onetimecode',
            name='phone',
            field=models.TextField(),
        ),
        migrations.AddField(
            model_name='onetimecode',
            name='phone_index',
            field=anju.privacy.fields.BlindIndexField(purpose='phone', source='phone'),
        ),
        encrypt_columns('accounts', 'onetimecode', ['phone'],
                        indexes={'phone_index': ('phone', 'phone')}),
        migrations.AlterField(
            model_name='onetimecode',
            name='phone',
            field=anju.privacy.fields.EncryptedCharField(max_length=20),
        ),
        migrations.AddIndex(
            model_name='onetimecode',
            index=models.Index(fields=['phone_index', '-created_at'], name='otp_phone_recent_idx'),
        ),
    ]
