"""Rule 38: a justerat protocol is its frozen, sealed original.

At justering the names are frozen in a snapshot; the protocol is rendered once as PDF/A,
sealed with the organisation's PAdES seal and stored with its SHA-256, as a whole and as a
public version with the §§ of secret ärenden masked. Renaming people and organs afterwards
changes neither the stored file nor a new rendering from the snapshot, and the database
refuses to change a stored original.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess

import pytest
import time_machine
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Case
from decisions.meetings import services
from decisions.models import (
    JusteringSnapshot,
    Meeting,
    ProtocolOriginal,
    SealedCorrection,
    is_original_refusal,
)
from decisions.publishing import originals, seal
from insjoriket import db_roles
from members.models import Organ, Organisation, Person
from tests import factories
from tests.decisions.test_immutability import _protocol
from tests.decisions.test_pdfa import pdfa_2b_problems

pytestmark = pytest.mark.django_db

RENAMED = "Omdöpt"


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _rename_everything(meeting: Meeting) -> None:
    """Rename every person the protocol prints, its organ and its organisation, as the admin
    would (through save(), with history)."""
    data = JusteringSnapshot.objects.get(meeting=meeting).data
    for person in Person.objects.filter(pk__in=[int(k) for k in data["persons"]]):
        person.name = f"{RENAMED} {person.pk}"
        person.party = "X"
        person.save()
    organ = Organ.objects.get(pk=meeting.organ_id)
    organ.name = f"{RENAMED} organ"
    organ.save()
    organisation = Organisation.objects.get(pk=organ.organisation_id)
    organisation.name = f"{RENAMED} organisation"
    organisation.save()


def _get_pdf(client, meeting: Meeting):
    response = client.get(reverse("decisions:protocol-pdf", args=[meeting.pk]))
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return response


def test_rule_38_a_protocol_justerat_through_the_pages_is_byte_identical_after_renames(
    client, make_user, django_capture_on_commit_callbacks
):
    p = _protocol(approve=False)
    secretary = make_user("sekreterare")
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("secretary:meeting-approve", args=[p.meeting.pk]),
            {"approved_on": "2024-03-06", "place": "Rådhuset", "approvers": [p.people[0].pk]},
        )
    assert response.status_code == 302
    # Rendered and sealed right after the justering committed, both versions.
    stored = {o.version: o for o in ProtocolOriginal.objects.filter(meeting=p.meeting)}
    assert set(stored) == {"full", "public"}
    before = _get_pdf(client, p.meeting)
    assert hashlib.sha256(before.content).hexdigest() == stored["public"].sha256
    text_before = _text(before.content)
    assert "Ledamot 1" in text_before and "Kommunfullmäktige" in text_before

    page_before = client.get(reverse("history:decision-detail", args=[p.decision.pk]))
    _rename_everything(p.meeting)
    after = _get_pdf(client, p.meeting)
    # The decision page of the justerad § too reads the names of the justering.
    page = client.get(reverse("history:decision-detail", args=[p.decision.pk])).content.decode()
    assert RENAMED not in page
    assert "Ledamot 1" in page and "Ledamot 4" in page
    assert "Ledamot 1" in page_before.content.decode()

    assert after.content == before.content
    assert (
        after["Digest"]
        == "sha-256=" + base64.b64encode(hashlib.sha256(after.content).digest()).decode()
    )
    # Rendered again from the §§ and the snapshot, it still reads the names of the justering.
    again = _text(
        originals.render_version(
            p.meeting.pk, masked=False, data=JusteringSnapshot.objects.get(meeting=p.meeting).data
        )
    )
    assert RENAMED not in again
    assert "Ledamot 1" in again and "Kommunfullmäktige" in again


def test_rule_38_seeded_protocols_and_their_extracts_do_not_change_with_renames(
    client, seeds, make_user
):
    registrator = make_user("registrator")
    client.force_login(registrator)
    meetings = list(
        Meeting.objects.justerade()
        .filter(decisions__isnull=False, attendances__isnull=False)
        .distinct()
        .order_by("held_on")[:3]
    )
    assert meetings, "the seeds hold justerade protocols with their närvaro"
    # Imported protocols got their snapshot at import (rule 38).
    assert JusteringSnapshot.objects.filter(meeting__in=meetings).count() == len(meetings)
    before = {m.pk: hashlib.sha256(_get_pdf(client, m).content).hexdigest() for m in meetings}
    decision = meetings[0].decisions.filter(case__isnull=False).order_by("number").first()
    organ_name = decision.organ.name
    history_url = reverse("history:case-history", args=[decision.case_id])
    extract_url = reverse("decisions:extract-pdf", args=[decision.pk])
    extract_before = _text(client.get(extract_url).content)

    for meeting in meetings:
        _rename_everything(meeting)

    after = {m.pk: hashlib.sha256(_get_pdf(client, m).content).hexdigest() for m in meetings}
    assert after == before
    # The case history names the justerad §'s organ as it was named at justering.
    history = client.get(history_url).content.decode()
    heading = re.search(rf'<h3 id="d{decision.pk}-heading">.*?</h3>', history, re.S).group(0)
    assert organ_name in heading and RENAMED not in heading
    # A new day: a new extract is rendered (not served from storage), with the old names.
    with time_machine.travel(dt.datetime.now() + dt.timedelta(days=1)):
        client.force_login(registrator)  # the session of yesterday has expired
        extract_after = _text(client.get(extract_url).content)
    assert RENAMED not in extract_after
    today = dt.date.today()
    issue_days = {(today + dt.timedelta(days=n)).isoformat() for n in (0, 1)}

    def strip(text: str) -> str:  # the date of issue differs, by design
        for day in issue_days:
            text = text.replace(day, "<utfärdat>")
        return text

    assert strip(extract_after) == strip(extract_before)


def test_rule_38_the_seal_is_intact_trusted_and_keeps_pdfa_and_tags(tmp_path):
    p = _protocol(approve=True)
    original = originals.original_for(p.meeting, may_see_secret=True)
    content = bytes(original.pdf)

    status = seal.validate(content)
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.sha256 == seal.seal_certificate().sha256
    assert status.coverage.name == "ENTIRE_FILE"
    assert hashlib.sha256(content).hexdigest() == original.sha256
    assert pdfa_2b_problems(content) == []
    assert shutil.which("qpdf"), "qpdf is a system package of `make setup`"
    path = tmp_path / "protokoll.pdf"
    path.write_bytes(content)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, check=False)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()
    assert "No syntax or stream encoding errors" in check.stdout.decode()
    # A changed byte inside the signed range breaks the seal.
    tampered = content.replace(b"Ledamot 1", b"Ledamot 7", 1)
    if tampered != content:
        assert not seal.validate(tampered).intact


def test_rule_38_the_signature_page_lists_who_justerade_and_how():
    p = _protocol(approve=True)
    text = _text(bytes(originals.original_for(p.meeting, may_see_secret=True).pdf))
    page = text[text.rindex("Justering") :]
    assert "Ledamot 1" in page and "Ledamot 2" in page
    assert "2024-03-06" in page and "Justerare" in page
    assert "förseglat med organisationens elektroniska sigill" in page.replace("\n", " ")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE decisions_protocoloriginal SET sha256 = repeat('0', 64) WHERE meeting_id = %s",
        "DELETE FROM decisions_protocoloriginal WHERE meeting_id = %s",
        "UPDATE decisions_justeringsnapshot SET data = '{}' WHERE meeting_id = %s",
        "DELETE FROM decisions_justeringsnapshot WHERE meeting_id = %s",
    ],
)
def test_rule_38_the_database_refuses_to_change_an_original(sql, as_owner):
    p = _protocol(approve=True)
    originals.freeze(p.meeting)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [p.meeting.pk])
    assert is_original_refusal(refused.value)
    assert "ändras aldrig" in str(refused.value)


def test_rule_38_the_application_may_only_read_and_append_originals():
    """The application's role has no UPDATE or DELETE on the originals (insjoriket.db_roles),
    and the owner is refused by the trigger (above)."""
    p = _protocol(approve=True)
    original = originals.freeze(p.meeting)["full"]
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        ProtocolOriginal.objects.filter(pk=original.pk).update(pdf=b"%PDF-1.7 falsk")
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        original.delete()
    assert ProtocolOriginal.objects.get(pk=original.pk).sha256 == original.sha256


def test_rule_38_no_snapshot_of_a_protocol_that_is_not_justerat():
    p = _protocol(approve=False)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        JusteringSnapshot.objects.create(meeting=p.meeting, data={})
    assert is_original_refusal(refused.value)


def test_rule_38_the_public_version_masks_the_paragraphs_of_secret_cases(client, make_user):
    p = _protocol(approve=False)
    case = factories.make_case(
        title="Placering av barnet A", **factories.SECRET, public_title="Ärende om enskild"
    )
    services.add_decision(
        meeting=p.meeting,
        title="Placering av barnet A",
        case=case,
        decision_text="Nämnden beslutar om placering av barnet A.",
    )
    services.approve_minutes(
        meeting=p.meeting, approved_on=dt.date(2024, 3, 6), approvers=[p.people[0]]
    )
    services.post_minutes(meeting=p.meeting, posted_on=dt.date(2024, 3, 7))

    public = _text(_get_pdf(client, p.meeting).content)  # anonymous, from the anslagstavla
    client.force_login(make_user("förtroendevald"))
    elected = _text(_get_pdf(client, p.meeting).content)
    client.force_login(make_user("registrator"))
    full = _text(_get_pdf(client, p.meeting).content)

    for masked in (public, elected):
        assert "barnet A" not in masked
        assert "Ärende om enskild" in masked and "OSL 26 kap. 1 §" in masked
        assert "Utträde ur samordningsförbundet" in masked  # the public §§ are all there
    assert "Nämnden beslutar om placering av barnet A." in full
    assert Case.objects.get(pk=case.pk).is_secret


def test_rule_38_a_rattelse_is_its_own_sealed_record_and_the_original_stays(
    client, django_capture_on_commit_callbacks
):
    p = _protocol(approve=True)
    original = originals.freeze(p.meeting)["full"]
    with django_capture_on_commit_callbacks(execute=True):
        correction = services.correct_decision(
            decision=p.decision,
            what="I beslutet ska det stå ”utträda den 31 december”.",
            why="Skrivfel.",
            made_by="Karin Berg",
            made_on=dt.date(2024, 3, 9),
        )
    sealed = SealedCorrection.objects.get(correction=correction)  # sealed after commit

    response = client.get(reverse("history:correction-pdf", args=[correction.pk]))
    assert response.status_code == 200 and response.content == bytes(sealed.pdf)
    status = seal.validate(response.content)
    assert status.intact and status.trusted
    text = " ".join(_text(response.content).split())
    assert "utträda den 31 december" in text and "Skrivfel." in text and "Karin Berg" in text
    assert original.sha256 in text.replace(" ", "")  # it names the original it corrects
    # The original is as it was; the decision page links the record.
    assert ProtocolOriginal.objects.get(pk=original.pk).sha256 == original.sha256
    page = client.get(reverse("history:decision-detail", args=[p.decision.pk])).content.decode()
    assert reverse("history:correction-pdf", args=[correction.pk]) in page
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        SealedCorrection.objects.filter(pk=sealed.pk).delete()  # the application's role
    with db_roles.as_owner(), pytest.raises(IntegrityError) as refused, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM decisions_sealedcorrection WHERE id = %s", [sealed.pk])
    assert is_original_refusal(refused.value)
