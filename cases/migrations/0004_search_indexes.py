"""GIN indexes on the tsvector expressions that cases.search queries, and B-tree indexes for
loose diarienummer lookups. Plain PostgreSQL, no extensions (the embedded server has none)."""

from django.db import migrations

INDEXES = [
    (
        "case_title_fts",
        "cases_case USING gin (to_tsvector('swedish'::regconfig, title))",
    ),
    (
        "document_description_fts",
        "cases_document USING gin (to_tsvector('swedish'::regconfig, description))",
    ),
    (
        "decision_text_fts",
        "decisions_decision USING gin "
        "(to_tsvector('swedish'::regconfig, (title || ' ' || decision_text)))",
    ),
    ("case_number_key_prefix", "cases_case (number_key varchar_pattern_ops)"),
    ("case_serial_year", "cases_case (serial, year)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_api_token"),
        ("decisions", "0002_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {target};",
            reverse_sql=f"DROP INDEX IF EXISTS {name};",
        )
        for name, target in INDEXES
    ]
