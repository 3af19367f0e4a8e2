"""Rule 9 in the database: a justerad protocol never changes.

The services refuse first with a clear message (``decisions.services``) and the admin shows a
justerad meeting or § read-only; these triggers make sure that no other path (a shell, a script,
``QuerySet.update()``, raw SQL) can change or delete a justerad §, its participants, yrkanden
(and their instämmanden), voteringar, röster, reservationer and jäv, nor a justerad meeting's
attendance, justerare and protocol fields.

What stays writable:

* the justering itself: ``approved_on`` is set on a meeting that is not yet justerad, and
  ``approved_immediately`` on a § that is not (``approve_minutes``, ``approve_immediately``);
* the anslag of a justerad meeting: ``posted_on``, ``removed_on`` and ``minutes_kept_at``
  (``post_minutes``, ``remove_posting``), which are set after the justering by nature;
* rättelser (``decisions_correction``), links from later decisions, appeals and the stored and
  issued protokollsutdrag: they are how a justerad protocol is corrected or used.

An UPDATE that changes nothing is let through, so that an idempotent re-import (which saves
only what differs anyway) or a ``save()`` of an unchanged row does not fail.

Errors use SQLSTATE 23000 (integrity_constraint_violation), which Django raises as
``IntegrityError``; the message is Swedish and the DETAIL names the table.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION insjoriket_meeting_is_approved(mid bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT approved_on IS NOT NULL FROM decisions_meeting WHERE id = mid), false)
$$;

CREATE OR REPLACE FUNCTION insjoriket_decision_is_approved(did bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce((
    SELECT d.approved_immediately OR m.approved_on IS NOT NULL
    FROM decisions_decision d JOIN decisions_meeting m ON m.id = d.meeting_id
    WHERE d.id = did), false)
$$;

CREATE OR REPLACE FUNCTION insjoriket_refuse_justerad(tbl text, op text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = 'Uppgiften hör till ett justerat protokoll eller en justerad paragraf och kan '
              || 'inte ändras. Gör en rättelse i stället (regel 9).',
    ERRCODE = 'integrity_constraint_violation',
    DETAIL = format('%s i %s avvisades: raden hör till ett justerat protokoll.', op, tbl),
    HINT = 'En justerad paragraf rättas med en rättelse (vem, när, vad, varför).';
END $$;

-- decisions_meeting: once justerad only the anslag (posted/removed) and the förvaringsplats may
-- change, and the meeting cannot be deleted. Every other column, present or added later, is
-- compared.
CREATE OR REPLACE FUNCTION insjoriket_guard_meeting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.approved_on IS NULL THEN
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

CREATE OR REPLACE FUNCTION insjoriket_guard_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- A § may be written as omedelbart justerad at once, but not into a justerad protocol.
    IF insjoriket_meeting_is_approved(NEW.meeting_id) THEN
      PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.approved_immediately OR insjoriket_meeting_is_approved(OLD.meeting_id) THEN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
      RETURN NEW;
    END IF;
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.meeting_id IS DISTINCT FROM OLD.meeting_id
     AND insjoriket_meeting_is_approved(NEW.meeting_id) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;

-- Rows that belong to a § (participants, yrkanden, voteringar, reservationer, jäv).
CREATE OR REPLACE FUNCTION insjoriket_guard_decision_child() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND insjoriket_decision_is_approved(OLD.decision_id) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND insjoriket_decision_is_approved(NEW.decision_id) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;

-- Röster belong to a votering, which belongs to a §.
CREATE OR REPLACE FUNCTION insjoriket_guard_ballot() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND insjoriket_decision_is_approved(
       (SELECT decision_id FROM decisions_vote WHERE id = OLD.vote_id)) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND insjoriket_decision_is_approved(
       (SELECT decision_id FROM decisions_vote WHERE id = NEW.vote_id)) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;

-- Instämmanden belong to a yrkande, which belongs to a §.
CREATE OR REPLACE FUNCTION insjoriket_guard_motion_supporter() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND insjoriket_decision_is_approved(
       (SELECT decision_id FROM decisions_motion WHERE id = OLD.motion_id)) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND insjoriket_decision_is_approved(
       (SELECT decision_id FROM decisions_motion WHERE id = NEW.motion_id)) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;

-- Rows that belong to a meeting (närvaro, justerare).
CREATE OR REPLACE FUNCTION insjoriket_guard_meeting_child() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND insjoriket_meeting_is_approved(OLD.meeting_id) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND insjoriket_meeting_is_approved(NEW.meeting_id) THEN
    PERFORM insjoriket_refuse_justerad(TG_TABLE_NAME, TG_OP);
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;

CREATE TRIGGER insjoriket_guard_meeting BEFORE UPDATE OR DELETE ON decisions_meeting
  FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_meeting();
CREATE TRIGGER insjoriket_guard_decision BEFORE INSERT OR UPDATE OR DELETE ON decisions_decision
  FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_decision();
CREATE TRIGGER insjoriket_guard_participation BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_participation FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_decision_child();
CREATE TRIGGER insjoriket_guard_motion BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_motion FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_decision_child();
CREATE TRIGGER insjoriket_guard_vote BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_vote FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_decision_child();
CREATE TRIGGER insjoriket_guard_reservation BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_reservation FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_decision_child();
CREATE TRIGGER insjoriket_guard_recusal BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_recusal FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_decision_child();
CREATE TRIGGER insjoriket_guard_ballot BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_ballot FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_ballot();
CREATE TRIGGER insjoriket_guard_motion_supporters BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_motion_supporters FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_motion_supporter();
CREATE TRIGGER insjoriket_guard_attendance BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_attendance FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_meeting_child();
CREATE TRIGGER insjoriket_guard_meeting_approvers BEFORE INSERT OR UPDATE OR DELETE
  ON decisions_meeting_approvers FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_meeting_child();
"""

TRIGGERS = {
    "insjoriket_guard_meeting": "decisions_meeting",
    "insjoriket_guard_decision": "decisions_decision",
    "insjoriket_guard_participation": "decisions_participation",
    "insjoriket_guard_motion": "decisions_motion",
    "insjoriket_guard_vote": "decisions_vote",
    "insjoriket_guard_reservation": "decisions_reservation",
    "insjoriket_guard_recusal": "decisions_recusal",
    "insjoriket_guard_ballot": "decisions_ballot",
    "insjoriket_guard_motion_supporters": "decisions_motion_supporters",
    "insjoriket_guard_attendance": "decisions_attendance",
    "insjoriket_guard_meeting_approvers": "decisions_meeting_approvers",
}

FUNCTIONS = [
    "insjoriket_guard_meeting()",
    "insjoriket_guard_decision()",
    "insjoriket_guard_decision_child()",
    "insjoriket_guard_ballot()",
    "insjoriket_guard_motion_supporter()",
    "insjoriket_guard_meeting_child()",
    "insjoriket_refuse_justerad(text, text)",
    "insjoriket_decision_is_approved(bigint)",
    "insjoriket_meeting_is_approved(bigint)",
]

REVERSE = "\n".join(
    [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table in TRIGGERS.items()]
    + [f"DROP FUNCTION IF EXISTS {function};" for function in FUNCTIONS]
)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_extracts")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=REVERSE)]
