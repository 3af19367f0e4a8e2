"""The database's own refusals, each with its SQLSTATE so that a caller can tell it from any
other error by its code, not by its words.

The codes are in class 23 (integrity constraint violation), so psycopg and Django still raise
``IntegrityError``; the subclasses beginning with ``J`` are implementation-defined (the SQL
standard leaves subclasses beginning with I-Z to implementations, PostgreSQL's own use P) and
used by nothing else. The migrations that raise them read these constants: changing one needs
a new migration that runs its SQL again.
"""

# Rule 9 (migrations 0004, 0006, 0008; the refusal as 0010 states it): any change to a
# justerat protocol or a justerad §.
JUSTERAT_SQLSTATE = "23J09"
JUSTERAT_MESSAGE = (
    "Uppgiften hör till ett justerat protokoll eller en justerad paragraf och kan inte "
    "ändras; en ändring görs som rättelse (KL 5 kap. 69 §)."
)

# Rule 39 (migration 0012): an anslag date moved or cleared once set, a take-down in the
# future or before the day after the last appeal day, a change of a recorded correction.
ANSLAG_SQLSTATE = "23J39"
ANSLAG_MESSAGE = (
    "Anslagets datum är fast när protokollet har anslagits: det kan inte flyttas eller tas "
    "bort, och anslaget tas ned tidigast dagen efter sista dag för överklagande och aldrig i "
    "förväg. Ett felaktigt anslagsdatum rättas med en rättelse med skäl (KL 8 kap. 12 §, "
    "13 kap. 5 §)."
)

# Rule 38 (migration 0015): a change to or deletion of a justerat protocol's frozen original
# or its snapshot.
ORIGINAL_SQLSTATE = "23J38"
ORIGINAL_MESSAGE = (
    "Ett justerat protokolls original och ögonblicksbilden från justeringen ändras aldrig; "
    "en ändring görs som rättelse (KL 5 kap. 69 §)."
)


def has_sqlstate(error: BaseException | None, sqlstate: str) -> bool:
    """Whether ``error`` carries ``sqlstate``: a Django ``DatabaseError`` whose ``__cause__``
    (psycopg's error) has it, or anything raised from one (the importer's ``ImportFailed``)."""
    while error is not None:
        if getattr(error, "sqlstate", None) == sqlstate:
            return True
        error = error.__cause__
    return False


def is_justerat_refusal(error: BaseException | None) -> bool:
    """Whether ``error`` is the database's rule-9 refusal (``JUSTERAT_SQLSTATE``)."""
    return has_sqlstate(error, JUSTERAT_SQLSTATE)


def is_anslag_refusal(error: BaseException | None) -> bool:
    """Whether ``error`` is the database's rule-39 refusal (``ANSLAG_SQLSTATE``)."""
    return has_sqlstate(error, ANSLAG_SQLSTATE)


def is_original_refusal(error: BaseException | None) -> bool:
    """Whether ``error`` is the database's rule-38 refusal (``ORIGINAL_SQLSTATE``)."""
    return has_sqlstate(error, ORIGINAL_SQLSTATE)
