"""Rule 39 in the database: an anslag, once posted, keeps its date.

* ``decisions_meeting.posted_on`` cannot be cleared once set, and moves only to what the
  meeting's latest ``PostingCorrection`` says, from what it says (the service writes the
  correction first, in the same transaction): each move needs its own recorded correction
  with a reason, and none can be used twice.
* ``removed_on`` cannot be moved or cleared once set; it is never later than today
  (Europe/Stockholm) when written, and never on or before the last appeal day of the posting
  (KL 13 kap. 5 §: three weeks from the posting, moved to the next vardag, lag 1930:173 2 §),
  which ``insjoriket_last_appeal_day`` counts as ``decisions.rules.last_appeal_day`` does
  (tests compare the two for every day of 2000–2040).
* Posting corrections are append-only and must start from the meeting's current date.

Every refusal raises ``decisions.models.ANSLAG_SQLSTATE`` with ``ANSLAG_MESSAGE`` (class 23,
so Django raises ``IntegrityError``), recognised by ``is_anslag_refusal``; the DETAIL says
what was refused. Dates outside a meeting's order (removed before posted and the like) are
left to the check constraints. Depends only on 0011 and the auth user model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from decisions.models import ANSLAG_MESSAGE, ANSLAG_SQLSTATE


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


FORWARD = r"""
CREATE OR REPLACE FUNCTION insjoriket_easter(y integer) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE a int; b int; c int; d int; e int; f int; g int; h int; i int; k int; l int; m int;
BEGIN
  -- The anonymous Gregorian computus.
  a := y %% 19; b := y / 100; c := y %% 100; d := b / 4; e := b %% 4; f := (b + 8) / 25;
  g := (b - f + 1) / 3; h := (19 * a + b - d - g + 15) %% 30; i := c / 4; k := c %% 4;
  l := (32 + 2 * e + 2 * i - h - k) %% 7; m := (a + 11 * h + 22 * l) / 451;
  RETURN make_date(y, (h + l - 7 * m + 114) / 31, ((h + l - 7 * m + 114) %% 31) + 1);
END $$;

-- lag 1930:173 2 §: not a Saturday, Sunday, allmän helgdag (lag 1989:253), midsommarafton,
-- julafton or nyårsafton. The helgdagar that fall on a weekday: nyårsdagen, trettondedag jul,
-- långfredagen, annandag påsk, första maj, Kristi himmelsfärds dag, nationaldagen (from 2005;
-- annandag pingst before), juldagen, annandag jul (påskdagen, pingstdagen, midsommardagen
-- and alla helgons dag are weekend days).
CREATE OR REPLACE FUNCTION insjoriket_is_vardag(d date) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE easter date := insjoriket_easter(extract(year FROM d)::int);
BEGIN
  IF extract(isodow FROM d) >= 6 THEN
    RETURN false;
  END IF;
  IF to_char(d, 'MM-DD') IN ('01-01', '01-06', '05-01', '12-24', '12-25', '12-26', '12-31') THEN
    RETURN false;
  END IF;
  -- Nationaldagen is a helgdag from 2005; annandag pingst was one until 2004.
  IF (extract(year FROM d) >= 2005 AND to_char(d, 'MM-DD') = '06-06')
     OR (extract(year FROM d) < 2005 AND d = easter + 50) THEN
    RETURN false;
  END IF;
  IF d IN (easter - 2, easter + 1, easter + 39) THEN
    RETURN false;
  END IF;
  -- Midsommarafton: the Friday between 19 and 25 June.
  IF extract(month FROM d) = 6 AND extract(day FROM d) BETWEEN 19 AND 25
     AND extract(isodow FROM d) = 5 THEN
    RETURN false;
  END IF;
  RETURN true;
END $$;

-- Rule 3 (KL 13 kap. 5 §): three weeks from the posting, to the next vardag.
CREATE OR REPLACE FUNCTION insjoriket_last_appeal_day(posted date) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d date := posted + 21;
BEGIN
  WHILE NOT insjoriket_is_vardag(d) LOOP
    d := d + 1;
  END LOOP;
  RETURN d;
END $$;

CREATE OR REPLACE FUNCTION insjoriket_refuse_anslag(detail text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = %(message)s,
    ERRCODE = %(errcode)s,
    DETAIL = detail,
    HINT = 'Ett felaktigt anslagsdatum rättas med en rättelse (från vilket datum till vilket, '
           || 'varför, vem och när).';
END $$;

CREATE OR REPLACE FUNCTION insjoriket_guard_anslag() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE latest record;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.posted_on IS NOT NULL
     AND NEW.posted_on IS DISTINCT FROM OLD.posted_on THEN
    IF NEW.posted_on IS NULL THEN
      PERFORM insjoriket_refuse_anslag(
        format('Anslagsdatumet %%s kan inte tas bort.', OLD.posted_on));
    END IF;
    SELECT c.old_posted_on, c.new_posted_on INTO latest FROM decisions_postingcorrection c
      WHERE c.meeting_id = OLD.id ORDER BY c.id DESC LIMIT 1;
    IF NOT FOUND OR latest.old_posted_on IS DISTINCT FROM OLD.posted_on
       OR latest.new_posted_on IS DISTINCT FROM NEW.posted_on THEN
      PERFORM insjoriket_refuse_anslag(format(
        'Anslagsdatumet %%s kan inte flyttas till %%s utan en rättelse.',
        OLD.posted_on, NEW.posted_on));
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.removed_on IS NOT NULL
     AND NEW.removed_on IS DISTINCT FROM OLD.removed_on THEN
    PERFORM insjoriket_refuse_anslag(
      format('Anslaget togs ned %%s; det datumet kan inte ändras.', OLD.removed_on));
  END IF;
  IF NEW.removed_on IS NOT NULL AND NEW.posted_on IS NOT NULL
     AND NEW.removed_on >= NEW.posted_on
     AND (TG_OP = 'INSERT' OR NEW.removed_on IS DISTINCT FROM OLD.removed_on
          OR NEW.posted_on IS DISTINCT FROM OLD.posted_on) THEN
    IF (TG_OP = 'INSERT' OR NEW.removed_on IS DISTINCT FROM OLD.removed_on)
       AND NEW.removed_on > (now() AT TIME ZONE 'Europe/Stockholm')::date THEN
      PERFORM insjoriket_refuse_anslag(
        format('Anslaget kan inte tas ned i förväg (%%s).', NEW.removed_on));
    END IF;
    IF NEW.removed_on <= insjoriket_last_appeal_day(NEW.posted_on) THEN
      PERFORM insjoriket_refuse_anslag(format(
        'Anslaget får tas ned tidigast %%s, dagen efter sista dag för överklagande.',
        insjoriket_last_appeal_day(NEW.posted_on) + 1));
    END IF;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER insjoriket_guard_anslag BEFORE INSERT OR UPDATE ON decisions_meeting
  FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_anslag();

CREATE OR REPLACE FUNCTION insjoriket_guard_posting_correction() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM insjoriket_refuse_anslag('En rättelse av anslagsdatum kan inte ändras eller tas bort.');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM decisions_meeting m
                 WHERE m.id = NEW.meeting_id AND m.posted_on = NEW.old_posted_on) THEN
    PERFORM insjoriket_refuse_anslag(format(
      'Rättelsen utgår från %%s, men protokollet är inte anslaget det datumet.',
      NEW.old_posted_on));
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER insjoriket_guard_posting_correction
  BEFORE INSERT OR UPDATE OR DELETE ON decisions_postingcorrection
  FOR EACH ROW EXECUTE FUNCTION insjoriket_guard_posting_correction();
""" % {"message": _literal(ANSLAG_MESSAGE), "errcode": _literal(ANSLAG_SQLSTATE)}

REVERSE = """
DROP TRIGGER IF EXISTS insjoriket_guard_posting_correction ON decisions_postingcorrection;
DROP TRIGGER IF EXISTS insjoriket_guard_anslag ON decisions_meeting;
DROP FUNCTION IF EXISTS insjoriket_guard_posting_correction();
DROP FUNCTION IF EXISTS insjoriket_guard_anslag();
DROP FUNCTION IF EXISTS insjoriket_refuse_anslag(text);
DROP FUNCTION IF EXISTS insjoriket_last_appeal_day(date);
DROP FUNCTION IF EXISTS insjoriket_is_vardag(date);
DROP FUNCTION IF EXISTS insjoriket_easter(integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0011_decision_search_vector_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PostingCorrection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "old_posted_on",
                    models.DateField(verbose_name="anslaget uppsatt enligt tidigare uppgift"),
                ),
                ("new_posted_on", models.DateField(verbose_name="anslaget uppsatt, rättat datum")),
                (
                    "reason",
                    models.TextField(
                        help_text="Varför datumet rättas (KL 8 kap. 12 §, 13 kap. 5 §).",
                        verbose_name="skäl",
                    ),
                ),
                ("made_at", models.DateTimeField(auto_now_add=True, verbose_name="gjord")),
                (
                    "made_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="gjord av",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="posting_corrections",
                        to="decisions.meeting",
                        verbose_name="sammanträde",
                    ),
                ),
            ],
            options={
                "verbose_name": "rättelse av anslagsdatum",
                "verbose_name_plural": "rättelser av anslagsdatum",
                "ordering": ["meeting", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("new_posted_on", models.F("old_posted_on")), _negated=True
                        ),
                        name="posting_correction_changes_date",
                        violation_error_message="Det rättade datumet är detsamma som det tidigare.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="posting_correction_has_reason",
                        violation_error_message="Ange skälet till rättelsen.",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD, reverse_sql=REVERSE),
    ]
