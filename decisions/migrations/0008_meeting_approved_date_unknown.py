"""Justerat, datum okänt: a protocol that was justerat although the sources do not give the
date (the published protocols of the seeds).

``Meeting.approved_date_unknown`` may only be true while ``approved_on`` is null (a check
constraint). Rule 9 in the database (the triggers of 0004, the § guard as redefined in 0006)
treats such a meeting as justerad: its §§ and their parts cannot be inserted, changed or
deleted, and the meeting row itself can only change in the anslag and förvaring columns.
Setting the flag from false to true is allowed like the justering itself (the row was not yet
justerad); setting it back to false is a change of a justerad row and refused.

The trigger functions' bodies are replaced (CREATE OR REPLACE); the reverse restores the
bodies of 0004 (0006 only redefined ``insjoriket_guard_decision``, which reads
``insjoriket_meeting_is_approved`` and so needs no change here).
"""

from django.db import migrations, models

APPROVED_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION insjoriket_meeting_is_approved(mid bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT %(meeting)s FROM decisions_meeting WHERE id = mid), false)
$$;

CREATE OR REPLACE FUNCTION insjoriket_decision_is_approved(did bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce((
    SELECT d.approved_immediately OR %(meeting_m)s
    FROM decisions_decision d JOIN decisions_meeting m ON m.id = d.meeting_id
    WHERE d.id = did), false)
$$;

CREATE OR REPLACE FUNCTION insjoriket_guard_meeting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF %(old_not_approved)s THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  IF (to_jsonb(NEW) - ARRAY['posted_on', 'removed_on', 'minutes_kept_at'])
     IS DISTINCT FROM
     (to_jsonb(OLD) - ARRAY['posted_on', 'removed_on', 'minutes_kept_at']) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  RETURN NEW;
END $$;
"""

FORWARD = APPROVED_FUNCTIONS % {
    "meeting": "approved_on IS NOT NULL OR approved_date_unknown",
    "meeting_m": "m.approved_on IS NOT NULL OR m.approved_date_unknown",
    "old_not_approved": "OLD.approved_on IS NULL AND NOT OLD.approved_date_unknown",
}

# The bodies of 0004, for the reverse.
REVERSE = APPROVED_FUNCTIONS % {
    "meeting": "approved_on IS NOT NULL",
    "meeting_m": "m.approved_on IS NOT NULL",
    "old_not_approved": "OLD.approved_on IS NULL",
}

FIELD = dict(
    default=False,
    db_default=False,
    help_text=(
        "Protokollet är justerat men källorna anger inte justeringsdatum. "
        "Kan inte tas bort när det väl är satt."
    ),
    verbose_name="justerat, datum okänt",
)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0006_decision_search_vector"),
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeeting",
            name="approved_date_unknown",
            field=models.BooleanField(**FIELD),
        ),
        migrations.AddField(
            model_name="meeting",
            name="approved_date_unknown",
            field=models.BooleanField(**FIELD),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("approved_date_unknown", False), ("approved_on__isnull", True), _connector="OR"
                ),
                name="meeting_date_unknown_only_without_date",
                violation_error_message=(
                    "”Justerat, datum okänt” kan bara anges när justeringsdatum saknas."
                ),
            ),
        ),
        migrations.RunSQL(FORWARD, reverse_sql=REVERSE),
    ]
