"""Plain factory functions with fixed defaults and keyword overrides.

Each creates one saved row; pass related objects to share them, or let the factory make them.
"""

import datetime as dt
import itertools

from cases.models import Case, Document, Register
from decisions.models import Decision, Meeting
from members.models import Organ, Organisation, Person

_seq = itertools.count(1)

# A complete secrecy marking (rule 21: lagrum, date and who decided); add ``public_title`` for
# the masked title the public sees. Spread into register_case / add_document / make_case.
SECRET = {
    "is_secret": True,
    "secrecy_ground": "OSL 26 kap. 1 §",
    "secrecy_marked_on": dt.date(2024, 1, 10),
    "secrecy_marked_by": "Socialnämnden",
}


def make_organisation(**kw) -> Organisation:
    n = next(_seq)
    defaults = {"name": f"Testkommun {n}", "short_name": f"Test {n}", "kind": "municipality"}
    return Organisation.objects.create(**(defaults | kw))


def make_organ(**kw) -> Organ:
    n = next(_seq)
    if "organisation" not in kw:
        kw["organisation"] = make_organisation()
    defaults = {"name": f"Kommunstyrelsen {n}", "code": f"KS{n}", "kind": "executive"}
    return Organ.objects.create(**(defaults | kw))


def make_person(**kw) -> Person:
    n = next(_seq)
    defaults = {"key": f"person-{n}", "name": f"Person {n}", "party": "S"}
    return Person.objects.create(**(defaults | kw))


def make_register(**kw) -> Register:
    n = next(_seq)
    if "organisation" not in kw:
        kw["organisation"] = kw["organ"].organisation if kw.get("organ") else make_organisation()
    defaults = {
        "code": f"KS{n}",
        "name": f"Kommunstyrelsens diarium {n}",
        "number_format": "{year}{code}{seq}",
    }
    return Register.objects.create(**(defaults | kw))


def make_case(**kw) -> Case:
    n = next(_seq)
    if "register" not in kw:
        kw["register"] = make_register()
    year = kw.setdefault("year", 2024)
    serial = kw.setdefault("serial", n)
    kw.setdefault("number", kw["register"].format_number(year=year, serial=serial))
    defaults = {"title": f"Ärende {n}", "opened_on": dt.date(year, 1, 15)}
    return Case.objects.create(**(defaults | kw))


def make_document(**kw) -> Document:
    if "case" not in kw:
        kw["case"] = make_case()
    serial = kw.pop("serial", None) or kw["case"].documents.count() + 1
    defaults = {
        "serial": serial,
        "date": dt.date(2024, 1, 20),
        "direction": "incoming",
        "description": "Skrivelse",
    }
    return Document.objects.create(**(defaults | kw))


def make_meeting(**kw) -> Meeting:
    if "organ" not in kw:
        kw["organ"] = make_organ()
    defaults = {"held_on": dt.date(2024, 1, 24), "place": "Stadshuset"}
    return Meeting.objects.create(**(defaults | kw))


def make_decision(**kw) -> Decision:
    n = next(_seq)
    if "meeting" not in kw:
        kw["meeting"] = make_meeting(**({"organ": kw["organ"]} if "organ" in kw else {}))
    kw.pop("organ", None)
    defaults = {"number": n, "title": f"Paragraf {n}", "decision_text": "Beslutet fattas."}
    return Decision.objects.create(**(defaults | kw))
