"""An index in the order of the case list (year, register, serial, newest first), so the first
page of /arenden/ — filtered by register and year or not — is read from the index instead of
sorting every case (measured in docs/benchmarks.md: ~2.5 s at 500,000 cases without it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_search_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS case_list_order "
            "ON cases_case (year DESC, register_id, serial DESC)",
            "DROP INDEX IF EXISTS case_list_order",
        ),
    ]
