"""The ids of the secret cases as a small partial index, so that a word search by a user without
access to secrets excludes them with an index-only scan of the few secret cases instead of a
sequential scan of every case (138 ms at 500,000 cases; docs/benchmarks.md)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_search_vectors"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS case_secret_ids ON cases_case (id) WHERE is_secret",
            "DROP INDEX IF EXISTS case_secret_ids",
        ),
    ]
