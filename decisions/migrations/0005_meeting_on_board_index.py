"""The anslagstavla query (``decisions.public_views.on_board``): posted protocols not yet taken
down. Without this index it is a sequential scan of every meeting (38 ms at 64,000 meetings);
with it a BitmapOr over ``removed_on IS NULL`` and ``removed_on > today`` among the few posted
ones. The archive (``removed_on <= today``) uses it too.

Plain SQL, not ``Meta.indexes``: the model state stays as it is (no model change is needed)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_justerad_immutable")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS meeting_on_board ON decisions_meeting (removed_on) "
            "WHERE posted_on IS NOT NULL;",
            reverse_sql="DROP INDEX IF EXISTS meeting_on_board;",
        )
    ]
