"""The stored search vector of 0006 becomes a model field: ``Decision.search_vector`` as a
``GeneratedField`` with a ``GinIndex``.

The column and its index exist already (0006, plain SQL); this migration only tells Django's
state about them, and changes nothing in the database, so the table is not rewritten. The
expression Django compiles for the field (``SearchVector("title", "decision_text",
config="swedish")``: ``to_tsvector('swedish'::regconfig, COALESCE(title, '') || ' ' ||
COALESCE(decision_text, ''))``) is the one 0006 wrote; tests/decisions/test_search_indexes.py
checks that PostgreSQL stores the two as the same expression. The rule-9 guard of 0006 keeps
comparing rows without the column.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_search_vector_fields"),
        ("decisions", "0010_justerat_sqlstate"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="decision",
                    name="search_vector",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=django.contrib.postgres.search.SearchVector(
                            "title", "decision_text", config="swedish"
                        ),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                        verbose_name="sökvektor",
                    ),
                ),
                migrations.AddIndex(
                    model_name="decision",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector"], name="decision_search_vector"
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
