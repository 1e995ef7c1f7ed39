"""An index for the statistics (issue 7), chosen by bench/analytics.py at 1,000,000 complaints.

An estate's dashboard (and a project manager's reach, which is their estates) reads the
complaints one estate received in a period. With (estate, created_at) SQLite reads only
that estate's rows of the period instead of every row of the period: the estate dashboard
went from 5.9 s to 2.8 s at 1M. PostgreSQL keeps scanning the period by ``created_at`` (rows
arrive in date order, so the period is a compact range of pages) and does not need it.
Department and category indexes were measured too and left out: a department or a common
category is a fifth of the rows or more, SQLite then picked the index and got slower, and
PostgreSQL never used them. docs/analytics.md ("Benchmark") gives the figures.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0006_repeat_of"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["estate", "created_at"], name="complaint_estate_created_idx"),
        ),
    ]
