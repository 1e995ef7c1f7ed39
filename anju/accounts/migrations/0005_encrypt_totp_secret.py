# The TOTP shared secret encrypted at rest: widen to text, encrypt the rows, switch to the
# encrypted field type (anju/privacy/migration_ops.py).

import anju.privacy.fields
from django.db import migrations, models

from anju.privacy.migration_ops import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_signin_lockout_two_factor'),
    ]

    operations = [
        migrations.AlterField(model_name='twofactor', name='totp_secret', field=models.TextField()),
        encrypt_columns('accounts', 'twofactor', ['totp_secret']),
        migrations.AlterField(
            model_name='twofactor',
            name='totp_secret',
            field=anju.privacy.fields.EncryptedCharField(max_length=64),
        ),
    ]
