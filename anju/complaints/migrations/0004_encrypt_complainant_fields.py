# The complainant's contact details, the free address and the people involved encrypted
# at rest; the contact phone looked up through a blind index. Three steps
# (anju/privacy/migration_ops.py): widen to text, encrypt the rows, switch to the
# encrypted field types.

import anju.privacy.fields
from django.db import migrations, models

from anju.privacy.migration_ops import encrypt_columns

FIELDS = ['contact_name', 'contact_phone', 'contact_email', 'address', 'people_involved']


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0003_seed_taxonomy'),
    ]

    operations = [
        *[migrations.AlterField(model_name='complaint', name=name,
                                field=models.TextField(blank=True)) for name in FIELDS],
        migrations.AddField(
            model_name='complaint',
            name='contact_phone_index',
            field=anju.privacy.fields.BlindIndexField(db_index=True, purpose='phone',
                                                      source='contact_phone'),
        ),
        encrypt_columns('complaints', 'complaint', FIELDS,
                        indexes={'contact_phone_index': ('contact_phone', 'phone')}),
        migrations.AlterField(
            model_name='complaint',
            name='contact_name',
            field=anju.privacy.fields.EncryptedCharField(blank=True, max_length=100,
                                                         verbose_name='contact name'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='contact_phone',
            field=anju.privacy.fields.EncryptedCharField(blank=True, max_length=20,
                                                         verbose_name='contact phone'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='contact_email',
            field=anju.privacy.fields.EncryptedEmailField(blank=True, max_length=254,
                                                          verbose_name='contact e-mail'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='address',
            field=anju.privacy.fields.EncryptedCharField(blank=True, max_length=300,
                                                         verbose_name='address or place'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='people_involved',
            field=anju.privacy.fields.EncryptedCharField(blank=True, max_length=300,
                                                         verbose_name='people involved'),
        ),
    ]
