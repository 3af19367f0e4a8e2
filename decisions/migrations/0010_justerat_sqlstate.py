"""Rule 9's refusal gets its own SQLSTATE and cites the law.

Every trigger function of 0004, 0006 and 0008 refuses through one function,
``insjoriket_refuse_justerad(tbl, op)``; only it raises, so only it is replaced here (CREATE OR
REPLACE; the guards that call it keep their bodies of 0006 and 0008). It now raises
``decisions.models.JUSTERAT_SQLSTATE`` (class 23, so Django still raises ``IntegrityError``)
with ``JUSTERAT_MESSAGE``, and callers recognise the refusal by the code
(``decisions.models.is_justerat_refusal``), not by words in the message. The DETAIL (table
and operation) and the HINT stay as they were. The reverse restores the body of 0004.

The constants are imported, not copied, so that they are defined once; a change to either
therefore needs a new migration that runs this CREATE OR REPLACE again (a database migrated
before the change keeps the old values, while a fresh test database gets the new ones).
"""

from django.db import migrations

from decisions.models import JUSTERAT_MESSAGE, JUSTERAT_SQLSTATE

REFUSE = r"""
CREATE OR REPLACE FUNCTION insjoriket_refuse_justerad(tbl text, op text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = %(message)s,
    ERRCODE = %(errcode)s,
    DETAIL = format('%%s i %%s avvisades: raden hör till ett justerat protokoll.', op, tbl),
    HINT = 'En justerad paragraf rättas med en rättelse (vem, när, vad, varför).';
END $$;
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


FORWARD = REFUSE % {
    "message": _literal(JUSTERAT_MESSAGE),
    "errcode": _literal(JUSTERAT_SQLSTATE),
}

# The body of 0004.
REVERSE = REFUSE % {
    "message": "'Uppgiften hör till ett justerat protokoll eller en justerad paragraf och kan '\n"
    "              || 'inte ändras. Gör en rättelse i stället (regel 9).'",
    "errcode": "'integrity_constraint_violation'",
}


class Migration(migrations.Migration):
    dependencies = [("decisions", "0009_protocol_batch")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=REVERSE)]
