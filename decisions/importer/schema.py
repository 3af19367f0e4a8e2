"""The data file as typed records (docs/data-format.md): one pydantic model per record kind.

Every per-field check lives here: which fields a record has (``extra="forbid"``, so that a
misspelt field is an error, not silently ignored), which are required, their types, the
choices with both the stored value and the Swedish label, keys, dates and amounts. What needs
another record (references, duplicates, ballots against participants, link time) is the
reader's (``reader.py``). Error texts are not written here: ``messages.py`` words every error
type for the clerk.

Validation runs twice when the file has errors (``reader.parse``): once strictly, to collect
every error, and once with ``context={"recover": True}``, where a bad optional field falls
back to its default and a bad list item becomes ``None``. The reader can then still run the
cross-record checks on everything else, so one pass reports as many errors as it can.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, TypeVar

from django.db import models
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cases.models import Case, Document
from decisions.models import Attendance, Ballot, Decision, DecisionLink, Participation
from members.models import Assignment, MembershipEvent, Organ, Organisation

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NUMBER_FORMAT_PARTS = "{year}, {seq}, {seq:03d}, {code}"


def _recovering(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("recover"))


# --- field types -------------------------------------------------------------------------


def _to_text(value: Any) -> Any:
    """Numbers are text where the file wants text (``code: 709``); text is stripped."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_to_text)]
Key = Annotated[str, BeforeValidator(_to_text), Field(pattern=KEY_PATTERN)]


def _to_date_text(value: Any) -> Any:
    # The loader keeps dates as text; a number must not be read as a Unix timestamp.
    return value if isinstance(value, dt.date) else str(value).strip()


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_parsing", "Input should be a valid date") from None


Date = Annotated[dt.date, BeforeValidator(_iso_date), BeforeValidator(_to_date_text)]


def _to_integer(value: Any) -> Any:
    if isinstance(value, bool):  # YAML true is not 1
        raise PydanticCustomError("int_parsing", "Input should be a valid integer")
    return value.replace(" ", "") if isinstance(value, str) else value


Integer = Annotated[int, BeforeValidator(_to_integer)]
PositiveInteger = Annotated[int, BeforeValidator(_to_integer), Field(ge=1)]


def _to_amount(value: Any) -> Decimal:
    """An amount may be written as in the source: ``1 054 800`` or ``12,50``."""
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except InvalidOperation:
        raise PydanticCustomError("decimal_parsing", "Input should be a valid amount") from None
    return amount


Amount = Annotated[Decimal, BeforeValidator(_to_amount)]

C = TypeVar("C", bound=models.TextChoices)


def Choice(choices: type[C]) -> Any:  # noqa: N802 - a type, used as one
    """A field of ``choices``: the stored value (``member``) or the Swedish label
    (``ledamot``), in any case."""

    def accept(value: Any) -> Any:
        if isinstance(value, choices):
            return value
        table = {}
        for stored, label in choices.choices:
            table[stored.lower()] = stored
            table[str(label).lower()] = stored
        found = table.get(str(value).strip().lower())
        if found is None:
            allowed = ", ".join(str(label) for _v, label in choices.choices)
            raise PydanticCustomError(
                "enum", "Input should be one of {allowed}", {"value": value, "allowed": allowed}
            )
        return choices(found)

    return Annotated[choices, BeforeValidator(accept)]


def _item_or_hole(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo):
    try:
        return handler(value)
    except ValidationError:
        if _recovering(info):
            return None  # a hole: the list keeps its indices, the reader skips it
        raise


def _list_or_empty(value: Any) -> Any:
    return [] if value is None else value


T = TypeVar("T")
Items = Annotated[
    list[Annotated[T, WrapValidator(_item_or_hole)]],
    BeforeValidator(_list_or_empty),
    Field(default_factory=list),
]


def _person_item(value: Any) -> Any:
    """``reservations: [anna]`` is short for ``[{person: anna}]`` (also recusals,
    participants)."""
    return value if isinstance(value, dict) else {"person": value}


# --- records -----------------------------------------------------------------------------


class Record(BaseModel):
    """A record of the file: unknown fields are errors, a blank value counts as absent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data
        names = {f.alias or n for n, f in cls.model_fields.items()} - cls.keep_blank
        data = {
            k: v
            for k, v in data.items()
            if not (k in names and (v is None or (isinstance(v, str) and not v.strip())))
        }
        if _recovering(info):
            # An unknown or missing field was reported in the first pass; here the one is
            # dropped and the other left empty, so that the rest of the record is checked.
            data = {k: v for k, v in data.items() if k in names | cls.keep_blank}
            for name, f in cls.model_fields.items():
                if f.is_required() and (f.alias or name) not in data:
                    data[f.alias or name] = None
        return data

    keep_blank: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="wrap")
    @classmethod
    def _default_when_recovering(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        try:
            return handler(value)
        except ValidationError:
            if not _recovering(info):
                raise
            field = cls.model_fields[info.field_name]
            if not field.is_required():
                return field.get_default(call_default_factory=True)
            if field.annotation is str:
                return value.strip() if isinstance(value, str) else ""
            return None


class SecrecyIn(Record):
    """Hemligstämpling: ground, date and authority are all required (rule 22)."""

    ground: Text
    marked_on: Date
    marked_by: Text
    public_title: Text = ""


def _no_secrecy_when_empty(value: Any) -> Any:
    return value or None


Secrecy = Annotated[SecrecyIn | None, BeforeValidator(_no_secrecy_when_empty)]


class OrganisationIn(Record):
    name: Text
    short_name: Text = ""
    kind: Choice(Organisation.Kind)
    org_number: Text = ""
    formed_on: Date | None = None
    seat: Text = ""


class OrganIn(Record):
    organisation: Text
    code: Text
    name: Text
    kind: Choice(Organ.Kind)
    parent: Text = ""


class PersonIn(Record):
    key: Key
    name: Text
    party: Text = ""


class AssignmentIn(Record):
    person: Text
    organ: Text
    role: Choice(Assignment.Role)
    party: Text = ""
    represents: Text = ""
    start_on: Date | None = None
    end_on: Date | None = None
    note: Text = ""


class ClassIn(Record):
    code: Text
    title: Text = ""


class SchemeIn(Record):
    name: Text
    version: Text = ""
    classes: Items[ClassIn]


def number_pattern(number_format: str, code: str) -> re.Pattern | None:
    """The regular expression of a register's number format (``{year}{code}{seq}``), or None
    when the format uses another placeholder or is malformed."""
    parts = []
    try:
        for literal, name, _spec, _conv in string.Formatter().parse(number_format):
            parts.append(re.escape(literal))
            if name == "year":
                parts.append(r"(?P<year>\d{4})")
            elif name == "seq":
                parts.append(r"(?P<seq>\d+)")
            elif name == "code":
                parts.append(re.escape(code))
            elif name is not None:
                return None
    except ValueError:
        return None
    return re.compile("^" + "".join(parts) + "$")


def _known_placeholders(value: str) -> str:
    if number_pattern(value, "") is None:
        raise PydanticCustomError(
            "enum",
            "Input should use {allowed}",
            {"value": value, "allowed": NUMBER_FORMAT_PARTS},
        )
    return value


class RegisterIn(Record):
    organisation: Text
    organ: Text = ""
    code: Text
    name: Text
    number_format: Annotated[Text, AfterValidator(_known_placeholders)]


class ClassificationRef(Record):
    scheme: Text
    version: Text = ""
    code: Text


class CaseRef(Record):
    """A diarienummer, or ``{register: …, number: …}`` when the number is in several
    registers."""

    register_: Annotated[Text, Field(alias="register")] = ""
    number: Text = ""


def _number_only(value: Any) -> Any:
    return value if isinstance(value, dict) else {"number": value}


CaseReference = Annotated[CaseRef, BeforeValidator(_number_only)]


class DocumentIn(Record):
    serial: Integer | None = None
    date: Date
    direction: Choice(Document.Direction)
    counterpart: Text = ""
    description: Text
    author: Text = ""
    text: Text = ""
    secrecy: Secrecy = None


class CaseIn(Record):
    number: Text
    register_: Annotated[Text, Field(alias="register")]
    year: Integer | None = None
    serial: Integer | None = None
    title: Text
    classification: ClassificationRef | None = None
    officer: Text = ""
    status: Choice(Case.Status) = Case.Status.OPEN
    opened_on: Date | None = None
    closed_on: Date | None = None
    secrecy: Secrecy = None
    documents: Items[DocumentIn]


class CaseLinkIn(Record):
    from_: Annotated[CaseReference, Field(alias="from")]
    to: CaseReference
    note: Text = ""


class AttendanceIn(Record):
    person: Text
    role: Choice(Attendance.Role) = Attendance.Role.MEMBER
    function: Text = ""
    party: Text = ""


class ParticipantIn(Record):
    person: Text
    role: Choice(Participation.Role) = Participation.Role.MEMBER
    function: Text = ""
    party: Text = ""


class MotionIn(Record):
    mover: Text = ""
    supporters: Items[Text]
    text: Text


class BallotIn(Record):
    person: Text
    choice: Choice(Ballot.Choice)
    role: Text = ""
    party: Text = ""


class VoteIn(Record):
    question: Text
    yes_means: Text = ""
    no_means: Text = ""
    yes_count: Annotated[Integer, Field(alias="ja")]
    no_count: Annotated[Integer, Field(alias="nej")]
    abstain_count: Annotated[Integer, Field(alias="avstår")]
    appendix: Text = ""
    result: Text = ""
    ballots: Items[BallotIn]


class ReservationIn(Record):
    person: Text
    motivation: Text = ""


class RecusalIn(Record):
    person: Text
    ground: Text = ""


PersonItems = Items[Annotated[T, BeforeValidator(_person_item)]]


class DecisionIn(Record):
    # ``participants:`` left out means "everyone serving"; ``participants: []`` (or an empty
    # value) means "not known".
    keep_blank: ClassVar[frozenset[str]] = frozenset({"participants"})

    number: PositiveInteger | None = None
    key: Key = ""
    kind: Choice(Decision.Kind) = Decision.Kind.DECISION
    title: Text
    case: CaseReference | None = None
    description: Text = ""
    preparation: Text = ""
    procedure: Text = ""
    decision_text: Text = ""
    basis: Text = ""
    sent_to: Text = ""
    approved_immediately: StrictBool = False
    enforcement_stayed: StrictBool = False
    participants: Annotated[
        list[Annotated[ParticipantIn, BeforeValidator(_person_item), WrapValidator(_item_or_hole)]]
        | None,
        BeforeValidator(lambda v: [] if v is None else v),
    ] = None
    motions: Items[MotionIn]
    votes: Items[VoteIn]
    reservations: PersonItems[ReservationIn]
    recusals: PersonItems[RecusalIn]


class MeetingIn(Record):
    organ: Text
    held_on: Date | None = None
    year: Integer | None = None
    key: Key = ""
    date_note: Text = ""
    place: Text = ""
    chair: Text = ""
    secretary: Text = ""
    approvers: Items[Text]
    approval_place: Text = ""
    approved_on: Date | None = None
    approved_date_unknown: StrictBool = False
    # RULES.md 45: the protocol is not in the register; this document tells of its decisions.
    known_from_sources: Text = ""
    posted_on: Date | None = None
    removed_on: Date | None = None
    minutes_kept_at: Text = ""
    attendance: Items[AttendanceIn]
    decisions: Items[DecisionIn]


class DecisionLinkIn(Record):
    source: Text
    kind: Choice(DecisionLink.Kind)
    target: Text = ""
    target_reference: Text = ""
    note: Text = ""


class MembershipEventIn(Record):
    kind: Choice(MembershipEvent.Kind)
    occurred_on: Date | None = None
    occurred_not_after: Date | None = None
    decision: Text = ""
    note: Text = ""


class MembershipIn(Record):
    federation: Text
    member: Text
    joined_on: Date | None = None
    notice_years: Integer = 3
    may_leave: StrictBool = True
    events: Items[MembershipEventIn]


class PaymentIn(Record):
    payer: Text = ""
    payer_label: Text = ""
    amount: Amount
    population: Integer | None = None


class ContributionIn(Record):
    federation: Text
    year: Integer
    source: Text = ""
    payments: Items[PaymentIn]


class DataFile(Record):
    """The whole file: every section optional, in any order."""

    format: Any = None
    organisations: Items[OrganisationIn]
    organs: Items[OrganIn]
    people: Items[PersonIn]
    assignments: Items[AssignmentIn]
    classification_schemes: Items[SchemeIn]
    registers: Items[RegisterIn]
    cases: Items[CaseIn]
    case_links: Items[CaseLinkIn]
    meetings: Items[MeetingIn]
    decision_links: Items[DecisionLinkIn]
    memberships: Items[MembershipIn]
    contributions: Items[ContributionIn]
