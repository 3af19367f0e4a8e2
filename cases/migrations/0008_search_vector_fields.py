"""The stored search vectors of 0006 become model fields: ``Case.search_vector`` and
``Document.search_vector`` as ``GeneratedField`` with a ``GinIndex``.

The columns and indexes exist already (0006, plain SQL); this migration only tells Django's
state about them, and changes nothing in the database, so the tables are not rewritten. The
expressions Django compiles for the fields (``SearchVector(..., config="swedish")``, i.e.
``to_tsvector('swedish'::regconfig, COALESCE(title, ''))``) are the ones 0006 wrote; PostgreSQL
stores both as the same expression, which tests/decisions/test_search_indexes.py checks column
by column, with the index definitions.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def _vector(*columns):
    return models.GeneratedField(
        db_persist=True,
        expression=django.contrib.postgres.search.SearchVector(*columns, config="swedish"),
        output_field=django.contrib.postgres.search.SearchVectorField(),
        verbose_name="sökvektor",
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_secret_case_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="case", name="search_vector", field=_vector("title")
                ),
                migrations.AddField(
                    model_name="document", name="search_vector", field=_vector("description")
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector"], name="case_search_vector"
                    ),
                ),
                migrations.AddIndex(
                    model_name="document",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector"], name="document_search_vector"
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
