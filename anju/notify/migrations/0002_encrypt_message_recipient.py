# Outbox recipients (phone numbers, e-mail addresses) encrypted at rest.
# Three steps (anju/privacy/migration_ops.py): widen to text, encrypt the rows, switch
# to the encrypted field type.

import anju.privacy.fields
from django.db import migrations, models

from anju.privacy.migration_ops import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='message',
            name='recipient',
            field=models.TextField(verbose_name='recipient'),
        ),
        encrypt_columns('notify', 'message', ['recipient']),
        migrations.AlterField(
            model_name='message',
            name='recipient',
            field=anju.privacy.fields.EncryptedCharField(max_length=200, verbose_name='recipient'),
        ),
    ]
