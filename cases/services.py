"""Writes to the diarium: registering and importing ärenden, adding handlingar, closing,
reopening and linking cases. Each function is one transaction, validates with ``full_clean()``
before saving and records who made the change and why in the history (rule 23)."""

import datetime as dt
import os
import re
from string import Formatter

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseLink, Classification, Document, Register, normalise_number
from insjoriket.access import can_see_secret
from insjoriket.history import record_change, save_recorded

CASE_ALREADY_CLOSED = _("Ärendet är redan avslutat.")
CASE_ALREADY_OPEN = _("Ärendet är inte avslutat.")
CLOSED_BEFORE_OPENED = _("Ett ärende kan inte avslutas före det datum det registrerades.")
LINK_TO_ITSELF = _("Ett ärende kan inte kopplas till sig självt.")
LINK_SAME_REGISTER = _("Kopplingen gäller samma ärende i ett annat diarium.")
LINK_EXISTS = _("Ärendena är redan kopplade.")
DOCUMENT_IN_CLOSED_CASE = _("Handlingar kan inte registreras i ett avslutat ärende.")
FILE_NOT_STORED = _(
    "Filen kunde inte sparas: lagringen är full eller inte skrivbar just nu. Ingenting är "
    "registrerat. Försök igen om en stund; kvarstår felet, kontakta systemförvaltaren."
)


class StorageUnavailable(ValidationError):
    """The file store refused a write (full, read-only, away): nothing was registered. The
    pages answer 503 with the form kept; the message is for the user, the cause for the log."""

    def __init__(self):
        super().__init__({"file": [FILE_NOT_STORED]}, code="storage")


IMPORT_SERIAL_INVALID = _("Löpnumret måste vara ett positivt heltal.")
YEAR_OUT_OF_RANGE = _("Året måste ligga mellan 1900 och 2200.")
FUTURE_DATE = {
    Document.Direction.INCOMING: _(
        "En inkommande handling kan inte ha kommit in ett datum som ännu inte har varit (%(date)s)."
    ),
    Document.Direction.OUTGOING: _(
        "En utgående handling kan inte ha skickats ett datum som ännu inte har varit (%(date)s)."
    ),
}
SECRET_CASE_WRITE = _(
    "Ärendet är sekretessbelagt. Bara den som får läsa sekretessbelagda ärenden kan registrera "
    "eller ändra något i det (OSL 10 kap.)."
)

# One statement allocates the next serial of (register, year): it creates the counter row on
# the year's first registration, otherwise increments it, and holds the row lock until the
# transaction that creates the case ends. A rollback undoes the increment too, so no gap.
# The highest serial already in the register (one index probe) keeps the counter past cases
# that were loaded without ``import_case``, e.g. by a bulk import.
_NEXT_SERIAL_SQL = """
    INSERT INTO cases_registercounter AS counter (register_id, year, last_serial)
    VALUES (%s, %s, COALESCE(
        (SELECT MAX(serial) FROM cases_case WHERE register_id = %s AND year = %s), 0) + 1)
    ON CONFLICT (register_id, year)
    DO UPDATE SET last_serial = GREATEST(counter.last_serial + 1, EXCLUDED.last_serial)
    RETURNING last_serial
"""

# An imported number keeps its serial; the counter moves past it, never back.
_MOVE_COUNTER_PAST_SQL = """
    INSERT INTO cases_registercounter AS counter (register_id, year, last_serial)
    VALUES (%s, %s, %s)
    ON CONFLICT (register_id, year)
    DO UPDATE SET last_serial = GREATEST(counter.last_serial, EXCLUDED.last_serial)
"""


# Registration in one statement: allocate the serial, insert the case and its history row (rule
# 23) together. Outside an enclosing transaction the statement is its own transaction, so the
# counter row is locked only while PostgreSQL executes it and writes the commit — never while
# the client runs Python or waits for a round trip. That is what lets many concurrent
# registrators share one register's counter (tests/bench/bench_registration.py).
_REGISTER_SQL = """
WITH counter AS (
    INSERT INTO cases_registercounter AS counter (register_id, year, last_serial)
    VALUES (%(register)s, %(year)s, COALESCE(
        (SELECT MAX(serial) FROM cases_case WHERE register_id = %(register)s AND year = %(year)s),
        0) + 1)
    ON CONFLICT (register_id, year)
    DO UPDATE SET last_serial = GREATEST(counter.last_serial + 1, EXCLUDED.last_serial)
    RETURNING last_serial
), numbered AS (
    SELECT last_serial AS serial, {seq} AS seq FROM counter
), new_case AS (
    INSERT INTO cases_case ({columns}, serial, number, number_key)
    SELECT {values}, serial, %(prefix)s || seq || %(suffix)s,
           %(key_prefix)s || seq || %(key_suffix)s
    FROM numbered
    RETURNING *
), history AS (
    INSERT INTO cases_historicalcase ({columns}, id, serial, number, number_key,
        history_date, history_change_reason, history_type, history_user_id)
    SELECT {columns}, id, serial, number, number_key,
        %(history_date)s, %(reason)s, '+', %(history_user)s
    FROM new_case
)
SELECT id, serial, number, number_key FROM new_case
"""
_SEQ_SPEC = re.compile(r"0?(\d*)d?")


def _async_commit() -> bool:
    return os.environ.get("INSJORIKET_REGISTRATION_ASYNC_COMMIT", "") in ("1", "true", "yes")


def _number_parts(number_format: str, *, year: int, code: str) -> tuple[str, str, str] | None:
    """``{year}.{seq:03d} {code}`` → (``2023.``, SQL for the serial, `` KS``), or None for a
    format the one-statement path does not handle (it then falls back to the ORM)."""
    prefix, seq, suffix = "", None, ""
    for literal, name, spec, conversion in Formatter().parse(number_format):
        text = literal
        if name is not None and name != "seq":
            text += format({"year": year, "code": code}[name], spec or "")
        if seq is None:
            prefix += text
        else:
            suffix += text
        if name == "seq":
            match = _SEQ_SPEC.fullmatch(spec or "")
            if seq is not None or conversion or not match:
                return None
            width = match.group(1)
            if width and not spec.startswith("0"):
                return None  # space padding: leave it to Python's format()
            seq = f"lpad(last_serial::text, {int(width)}, '0')" if width else "last_serial::text"
    if seq is None:
        return None
    return prefix, seq, suffix


def registration_statement(case: Case, *, register: Register, year: int, user, reason: str):
    """The one SQL statement (and its parameters) that allocates ``case``'s number, inserts it
    and its history row; None if the register's number format needs the ORM path. Used by
    ``_insert_registered_case`` and by tests/bench/bench_registration.py's database mode."""
    parts = _number_parts(register.number_format, year=year, code=register.code)
    if parts is None:
        return None
    prefix, seq, suffix = parts
    fields = [
        f
        for f in Case._meta.concrete_fields
        # PostgreSQL writes the generated columns (search_vector) itself.
        if f.attname not in ("id", "serial", "number", "number_key") and not f.generated
    ]
    columns = ", ".join(f.column for f in fields)
    values = ", ".join(f"%(f_{f.attname})s::{f.db_type(connection)}" for f in fields)
    params = {f"f_{f.attname}": f.get_db_prep_save(getattr(case, f.attname), connection)
              for f in fields}  # fmt: skip
    params |= {
        "register": register.pk,
        "year": year,
        "prefix": prefix,
        "suffix": suffix,
        "key_prefix": normalise_number(prefix),
        "key_suffix": normalise_number(suffix),
        "history_date": timezone.now(),
        "reason": reason,
        "history_user": user.pk if getattr(user, "is_authenticated", False) else None,
    }
    return _REGISTER_SQL.format(seq=seq, columns=columns, values=values), params


def _insert_registered_case(case: Case, *, register: Register, year: int, user, reason: str):
    """Allocate, insert and record ``case`` in one statement; False if the number format needs
    the ORM path."""
    statement = registration_statement(case, register=register, year=year, user=user,
                                       reason=reason)  # fmt: skip
    if statement is None:
        return False
    sql, params = statement
    # Opt-in (INSJORIKET_REGISTRATION_ASYNC_COMMIT=1, see docs/deployment.md): the commit does
    # not wait for the WAL flush, so the counter lock is released sooner. A server crash may
    # then lose the last fraction of a second of registrations — all of them after a point,
    # with the counter, so the register stays gapless — but a number already shown could be
    # given out again. Off by default.
    asynchronous = not connection.in_atomic_block and _async_commit()
    with connection.cursor() as cursor:
        if asynchronous:
            cursor.execute("SET synchronous_commit TO off")
        try:
            cursor.execute(sql, params)
            case.pk, case.serial, case.number, case.number_key = cursor.fetchone()
        finally:
            if asynchronous:
                cursor.execute("RESET synchronous_commit")
    case._state.adding = False
    case._state.db = connection.alias
    return True


def allocate_serial(*, register: Register, year: int) -> int:
    """The next serial of ``register`` in ``year`` (rule 24). Must run inside the transaction
    that saves the case."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SERIAL_SQL, [register.pk, year, register.pk, year])
        return cursor.fetchone()[0]


def register_case(
    *,
    register: Register,
    title: str,
    year: int | None = None,
    opened_on: dt.date | None = None,
    classification: Classification | None = None,
    officer: str = "",
    is_secret: bool = False,
    secrecy_ground: str = "",
    secrecy_marked_on: dt.date | None = None,
    secrecy_marked_by: str = "",
    public_title: str = "",
    user=None,
    change_reason: str = "Registrerat",
) -> Case:
    """Register a new ärende and give it the next diarienummer of its register and year.

    Allocation is atomic, in order, gapless and duplicate-free (rule 24): the counter row is
    locked until this transaction ends, and an invalid case rolls the increment back with it.
    Called inside a caller's transaction, the lock (and the number) lasts until that one ends.
    """
    opened_on = opened_on or timezone.localdate()
    year = year or opened_on.year
    case = Case(
        register=register,
        year=year,
        title=title.strip(),
        classification=classification,
        officer=officer.strip(),
        opened_on=opened_on,
        is_secret=is_secret,
        secrecy_ground=secrecy_ground.strip(),
        secrecy_marked_on=secrecy_marked_on,
        secrecy_marked_by=secrecy_marked_by.strip(),
        public_title=public_title.strip(),
    )
    # Validate everything but the number before taking the counter's lock, so the lock is held
    # only for the counter, the two inserts and the commit. The number itself cannot be wrong:
    # the locked counter makes it unique, and the database constraints check it once more.
    # The check constraints are not sent to the database one query each (Django's
    # validate_constraints): secrecy is checked by clean() (rule 22), status is set here, and
    # the year is checked below; PostgreSQL still enforces all of them on insert.
    if not 1900 <= year <= 2200:
        raise ValidationError({"year": YEAR_OUT_OF_RANGE})
    case.full_clean(exclude=["serial", "number", "number_key", "register"],
                    validate_constraints=False)  # fmt: skip
    if _insert_registered_case(case, register=register, year=year, user=user, reason=change_reason):
        return case
    with transaction.atomic():
        return _register_with_orm(case, register=register, year=year, user=user,
                                  reason=change_reason)  # fmt: skip


def _register_with_orm(case: Case, *, register: Register, year: int, user, reason: str) -> Case:
    case.serial = allocate_serial(register=register, year=year)
    case.number = register.format_number(year=year, serial=case.serial)
    case.number_key = normalise_number(case.number)
    record_change(case, user=user, reason=reason)
    case.save()
    return case


@transaction.atomic
def import_case(
    *,
    register: Register,
    year: int,
    serial: int,
    title: str,
    number: str = "",
    opened_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    classification: Classification | None = None,
    officer: str = "",
    is_secret: bool = False,
    secrecy_ground: str = "",
    secrecy_marked_on: dt.date | None = None,
    secrecy_marked_by: str = "",
    public_title: str = "",
    user=None,
) -> Case:
    """Take over an ärende that already has its diarienummer (the data file, a legacy system).
    The number is kept as given; the register's counter for the year moves past it so the
    next registration cannot collide with it."""
    if not isinstance(serial, int) or serial < 1:
        raise ValidationError({"serial": IMPORT_SERIAL_INVALID})
    case = Case(
        register=register,
        year=year,
        serial=serial,
        number=number.strip() or register.format_number(year=year, serial=serial),
        title=title.strip(),
        classification=classification,
        officer=officer.strip(),
        opened_on=opened_on,
        closed_on=closed_on,
        status=Case.Status.CLOSED if closed_on else Case.Status.OPEN,
        is_secret=is_secret,
        secrecy_ground=secrecy_ground.strip(),
        secrecy_marked_on=secrecy_marked_on,
        secrecy_marked_by=secrecy_marked_by.strip(),
        public_title=public_title.strip(),
    )
    case.number_key = normalise_number(case.number)
    case.full_clean()
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_COUNTER_PAST_SQL, [register.pk, year, serial])
    record_change(case, user=user, reason="Importerat med befintligt diarienummer")
    case.save()
    return case


def add_document(
    *,
    case: Case,
    date: dt.date,
    direction: str,
    description: str,
    counterpart: str = "",
    author: str = "",
    text: str = "",
    file: UploadedFile | None = None,
    is_secret: bool = False,
    secrecy_ground: str = "",
    secrecy_marked_on: dt.date | None = None,
    secrecy_marked_by: str = "",
    public_title: str = "",
    user=None,
) -> Document:
    """Register a handling in ``case`` with the next löpnummer of the case, so its number is
    ``<dnr>:<löpnummer>`` (rule 25). The case row is locked while the löpnummer is taken.

    Neither an orphan row nor an orphan file: a store that refuses the file (ENOSPC, EROFS, …)
    raises ``StorageUnavailable`` and the row is rolled back; a failure after the file was
    stored, up to and including the commit of this transaction, deletes the file again."""
    if direction in FUTURE_DATE and date > timezone.localdate():
        raise ValidationError({"date": FUTURE_DATE[direction] % {"date": date.isoformat()}})
    stored: list = []
    try:
        with transaction.atomic():
            return _add_document(
                case=case,
                date=date,
                direction=direction,
                description=description,
                counterpart=counterpart,
                author=author,
                text=text,
                file=file,
                is_secret=is_secret,
                secrecy_ground=secrecy_ground,
                secrecy_marked_on=secrecy_marked_on,
                secrecy_marked_by=secrecy_marked_by,
                public_title=public_title,
                user=user,
                stored=stored,
            )
    except OSError as error:
        _discard(stored)
        raise StorageUnavailable() from error
    except BaseException:
        _discard(stored)
        raise


def _discard(stored: list) -> None:
    for field_file in stored:
        try:
            field_file.storage.delete(field_file.name)
        except OSError:
            pass  # the store is away; the name is in the log with the original error


STRIPPED_DOCUMENT_FIELDS = frozenset(
    {"counterpart", "description", "author", "secrecy_ground", "secrecy_marked_by", "public_title"}
)


def _add_document(*, case, file, user, stored: list, **fields) -> Document:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    refuse_secret_write(locked, user)
    if locked.status == Case.Status.CLOSED:
        raise ValidationError(DOCUMENT_IN_CLOSED_CASE)
    last = locked.documents.aggregate(last=Max("serial"))["last"] or 0
    stripped = STRIPPED_DOCUMENT_FIELDS
    document = Document(
        case=locked,
        serial=last + 1,
        **{k: (v.strip() if k in stripped else v) for k, v in fields.items()},
    )
    if file is None:
        save_recorded(document, user=user, reason="Handling registrerad")
        return document
    # The file first, then the row: a refused file leaves no row; a refused row deletes it.
    document.full_clean(exclude=["file"])
    document.file.save(file.name, file, save=False)
    stored.append(document.file)
    save_recorded(document, user=user, reason="Handling registrerad")
    return document


def refuse_secret_write(case: Case, user) -> None:
    """A write to a secret case needs access to its content (rule 21). ``user`` None is the
    system itself (the data-file import, a management command)."""
    if user is not None and case.is_content_hidden_for(may_see_secret=can_see_secret(user)):
        raise ValidationError(SECRET_CASE_WRITE)


@transaction.atomic
def close_case(*, case: Case, closed_on: dt.date | None = None, user=None) -> Case:
    """Avsluta an ärende."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    refuse_secret_write(case, user)
    if case.status == Case.Status.CLOSED:
        raise ValidationError(CASE_ALREADY_CLOSED)
    closed_on = closed_on or timezone.localdate()
    if case.opened_on and closed_on < case.opened_on:
        raise ValidationError({"closed_on": CLOSED_BEFORE_OPENED})
    case.status = Case.Status.CLOSED
    case.closed_on = closed_on
    save_recorded(case, user=user, reason="Avslutat")
    return case


@transaction.atomic
def reopen_case(*, case: Case, user=None) -> Case:
    """Återuppta a closed ärende."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    refuse_secret_write(case, user)
    if case.status != Case.Status.CLOSED:
        raise ValidationError(CASE_ALREADY_OPEN)
    case.status = Case.Status.OPEN
    case.closed_on = None
    save_recorded(case, user=user, reason="Återupptaget")
    return case


@transaction.atomic
def link_cases(*, from_case: Case, to_case: Case, note: str = "", user=None) -> CaseLink:
    """Record that two cases are the same matter in different registers (e.g. 2022VFN360 and
    2022KS554)."""
    refuse_secret_write(from_case, user)
    refuse_secret_write(to_case, user)
    if from_case.pk == to_case.pk:
        raise ValidationError(LINK_TO_ITSELF)
    if from_case.register_id == to_case.register_id:
        raise ValidationError(LINK_SAME_REGISTER)
    if CaseLink.objects.filter(from_case=from_case, to_case=to_case).exists() or (
        CaseLink.objects.filter(from_case=to_case, to_case=from_case).exists()
    ):
        raise ValidationError(LINK_EXISTS)
    link = CaseLink(from_case=from_case, to_case=to_case, note=note.strip())
    save_recorded(link, user=user, reason="Ärenden kopplade")
    return link


SECRECY_CHANGE_WITHOUT_REASON = _("Ange varför sekretessmarkeringen ändras.")


@transaction.atomic
def change_secrecy(*, document: Document, reason: str, user=None, **marking) -> Document:
    """A later sekretessmarkering of a handling, or its removal (OSL 5 kap. 5 §, rule 22): the
    provision, the marking date and the marking authority together, with the reason and who
    in the history. ``marking``: the ``SecrecyFields`` (``is_secret``, ``secrecy_ground``,
    ``secrecy_marked_on``, ``secrecy_marked_by``, ``public_title``)."""
    document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
    refuse_secret_write(document.case, user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": SECRECY_CHANGE_WITHOUT_REASON})
    if not marking.get("is_secret"):  # a removal leaves no half marking behind
        marking = {"is_secret": False, "secrecy_ground": "", "secrecy_marked_on": None,
                   "secrecy_marked_by": "", "public_title": ""}  # fmt: skip
    for field, value in marking.items():
        setattr(document, field, value)
    what = _("Sekretessmarkerad") if document.is_secret else _("Sekretessmarkering borttagen")
    save_recorded(document, user=user, reason=f"{what}: {reason}")
    return document
