"""Skriv ut ett års protokoll (issue 7): the form enqueues a Celery job, a real worker renders
each justerat protocol of the organ and year (rule 29: PDF/A) and stores one ZIP.

The real path: a Celery worker thread (``celery.contrib.testing.worker.start_worker``) against
the Redis broker on 127.0.0.1:6379, database 15 (purged before and after), and
``transactional_db`` so that the worker's own database connection sees the committed rows.
Nothing runs eagerly.
"""

import datetime as dt
import io
import time
import zipfile

import pikepdf
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections
from django.urls import reverse
from pypdf import PdfReader

from decisions.meetings import forms as secretary_forms
from decisions.models import Decision, Meeting, ProtocolBatch
from decisions.publishing import tasks
from decisions.views import batches
from insjoriket.access import setup_roles
from insjoriket.celery import app as celery_app
from tests.factories import make_decision, make_meeting, make_organ

TEST_BROKER = "redis://127.0.0.1:6379/15"
DEAD_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens there
CREATE = "secretary:protocol-batch-create"
LIST = "secretary:protocol-batch-list"
DOWNLOAD = "secretary:protocol-batch-download"
PASSWORD = "hemligt-lösenord-1"


def use_broker(url: str) -> None:
    """Point the Celery app at ``url`` and drop the pooled connections to the old broker."""
    celery_app.conf.broker_url = url
    celery_app._after_fork()  # Celery's own reset of the connection and producer pools


@pytest.fixture
def broker():
    """The test Redis database, empty before and after the test."""
    previous = celery_app.conf.broker_url
    client = redis.Redis.from_url(TEST_BROKER)
    client.flushdb()
    use_broker(TEST_BROKER)
    yield client
    client.flushdb()
    client.close()
    use_broker(previous)


@pytest.fixture
def worker(broker, transactional_db):
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as w:
        yield w
    connections.close_all()


def make_user(role: str | None, name: str):
    user = get_user_model().objects.create_user(username=name, password=PASSWORD)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def year_of_protocols(transactional_db):
    """Kommunstyrelsen 2024: two justerade meetings and one ojusterad; a justerad meeting from
    2023; and another organ's justerad 2024 meeting."""
    setup_roles()
    organ = make_organ(name="Kommunstyrelsen", code="KS")
    other = make_organ(name="Socialnämnden", code="SN")
    plan = [
        (organ, dt.date(2024, 3, 12), True, "Budgeten för vattenverket fastställs"),
        (organ, dt.date(2024, 9, 3), True, "Badplatsen vid Storsjön rustas upp"),
        (organ, dt.date(2024, 11, 5), False, "Ojusterad paragraf om skolskjutsar"),
        (organ, dt.date(2023, 12, 5), True, "Förra årets paragraf om snöröjning"),
        (other, dt.date(2024, 5, 14), True, "Socialnämndens paragraf om hemtjänst"),
    ]
    meetings = []
    for number, (o, held_on, approved, title) in enumerate(plan, start=1):
        meeting = make_meeting(organ=o, held_on=held_on)
        make_decision(meeting=meeting, number=number, title=title, decision_text=f"{title}.")
        if approved:  # justera after the § exists (rule 9)
            Meeting.objects.filter(pk=meeting.pk).update(approved_on=held_on + dt.timedelta(days=2))
        meetings.append(meeting)
    return {"organ": organ, "other": other, "meetings": meetings}


@pytest.fixture
def secretary(client, year_of_protocols):
    user = make_user("sekreterare", "sekreterare-ks")
    client.force_login(user)
    client.user = user
    return client


def wait_for(batch_id: int, timeout: float = 120) -> ProtocolBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = ProtocolBatch.objects.get(pk=batch_id)
        if batch.status in tasks.FINISHED:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"batch {batch_id} still {batch.status} after {timeout} s")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


# --- the real path: form → Redis → worker thread → ZIP in the database ------------------------


def test_secretary_orders_a_year_and_downloads_the_zip(secretary, year_of_protocols, worker):
    organ = year_of_protocols["organ"]
    response = secretary.post(reverse(CREATE), {"organ": organ.pk, "year": "2024"})
    assert response.status_code == 302
    assert response["Location"] == reverse(LIST)

    batch = ProtocolBatch.objects.get()
    assert (batch.organ, batch.year, batch.requested_by) == (organ, 2024, secretary.user)
    batch = wait_for(batch.pk)
    assert batch.status == ProtocolBatch.Status.DONE, batch.error
    assert batch.protocol_count == 2
    assert batch.started_at and batch.finished_at and batch.finished_at >= batch.started_at

    page = secretary.get(reverse(LIST))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Klar" in html and "protokoll-KS-2024.zip" in html
    download_url = f"{reverse(DOWNLOAD)}?id={batch.pk}"
    assert download_url in html

    download = secretary.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert 'filename="protokoll-KS-2024.zip"' in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == [
        "KS-2024-03-12-protokoll.pdf",
        "KS-2024-09-03-protokoll.pdf",
    ]
    march = pdf_text(archive.read("KS-2024-03-12-protokoll.pdf"))
    september = pdf_text(archive.read("KS-2024-09-03-protokoll.pdf"))
    assert "Budgeten för vattenverket fastställs" in march
    assert "Badplatsen vid Storsjön rustas upp" in september
    everything = march + september
    # Only justerade protocols of that organ and year: not the ojusterade, not 2023, not SN.
    for absent in ("skolskjutsar", "snöröjning", "hemtjänst", "Ojusterat"):
        assert absent not in everything
    # Rule 29: each protocol is PDF/A-2b (its XMP identification; tests/decisions/test_pdfa.py
    # checks the renderer itself in full).
    for name in archive.namelist():
        with pikepdf.open(io.BytesIO(archive.read(name))) as document:
            assert document.open_metadata().pdfa_status == "2B"


def test_a_second_delivery_of_a_finished_batch_changes_nothing(
    secretary, year_of_protocols, worker
):
    """acks_late: a job can arrive twice; the second delivery leaves the stored ZIP alone."""
    secretary.post(reverse(CREATE), {"organ": year_of_protocols["organ"].pk, "year": 2024})
    batch = wait_for(ProtocolBatch.objects.get().pk)
    assert batch.status == ProtocolBatch.Status.DONE
    stored, finished_at = bytes(batch.result_zip), batch.finished_at

    tasks.render_protocol_batch.delay(batch.pk)  # the same job delivered again
    deadline = time.monotonic() + 30
    while broker_has_messages() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    batch.refresh_from_db()
    assert batch.status == ProtocolBatch.Status.DONE
    assert bytes(batch.result_zip) == stored
    assert batch.finished_at == finished_at
    assert batch.history.count() == 3  # köad, pågår, klar — nothing from the second delivery


def broker_has_messages() -> bool:
    client = redis.Redis.from_url(TEST_BROKER)
    try:
        return bool(client.llen("celery"))
    finally:
        client.close()


def test_a_failing_render_marks_the_batch_misslyckad(
    secretary, year_of_protocols, worker, monkeypatch
):
    def broken(meeting, *, may_see_secret):
        raise RuntimeError("WeasyPrint gick sönder")

    monkeypatch.setattr(tasks.originals, "protocol_pdf", broken)
    secretary.post(reverse(CREATE), {"organ": year_of_protocols["organ"].pk, "year": 2024})
    batch = wait_for(ProtocolBatch.objects.get().pk)
    assert batch.status == ProtocolBatch.Status.FAILED
    assert batch.result_zip is None
    assert batch.error.startswith("Protokollen kunde inte skrivas ut")
    assert "WeasyPrint gick sönder" not in batch.error  # no internals to the user
    html = secretary.get(reverse(LIST)).content.decode()
    assert "Misslyckad" in html and "Protokollen kunde inte skrivas ut" in html
    assert secretary.get(f"{reverse(DOWNLOAD)}?id={batch.pk}").status_code == 404


# --- the broker is down -------------------------------------------------------------------------


def test_broker_down_gives_503_and_no_queued_batch(secretary, year_of_protocols, broker):
    use_broker(DEAD_BROKER)
    started = time.monotonic()
    response = secretary.post(
        reverse(CREATE), {"organ": year_of_protocols["organ"].pk, "year": "2024"}
    )
    assert time.monotonic() - started < 15  # gives up, does not hang the request
    assert response.status_code == 503
    html = response.content.decode()
    assert batches.BROKER_DOWN in html
    assert 'value="2024"' in html  # the form keeps what was typed
    assert not ProtocolBatch.objects.filter(status__in=batches.PENDING).exists()
    failed = ProtocolBatch.objects.get()
    assert failed.status == ProtocolBatch.Status.FAILED
    assert failed.error == batches.BROKER_DOWN


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["registrator", "förtroendevald", None])
def test_roles_without_the_secretary_permission_are_refused(client, year_of_protocols, role):
    client.force_login(make_user(role, f"user-{role}"))
    for name in (CREATE, LIST, DOWNLOAD):
        assert client.get(reverse(name)).status_code == 403
    response = client.post(reverse(CREATE), {"organ": year_of_protocols["organ"].pk, "year": 2024})
    assert response.status_code == 403
    assert not ProtocolBatch.objects.exists()


def test_anonymous_is_sent_to_login(client, year_of_protocols):
    response = client.get(reverse(CREATE))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_secretary_cannot_see_or_fetch_the_zip(client, year_of_protocols):
    """An order is its orderer's: another sekreterare (e.g. Socialnämndens) does not see it in
    the list and gets 404 for its ZIP."""
    owner = make_user("sekreterare", "sekreterare-ks")
    batch = ProtocolBatch.objects.create(
        organ=year_of_protocols["organ"],
        year=2024,
        requested_by=owner,
        status=ProtocolBatch.Status.DONE,
        result_zip=b"PK\x05\x06" + b"\0" * 18,
        protocol_count=0,
    )
    client.force_login(make_user("sekreterare", "sekreterare-sn"))
    assert client.get(f"{reverse(DOWNLOAD)}?id={batch.pk}").status_code == 404
    assert f"?id={batch.pk}" not in client.get(reverse(LIST)).content.decode()
    client.force_login(owner)
    assert client.get(f"{reverse(DOWNLOAD)}?id={batch.pk}").status_code == 200
    assert client.get(f"{reverse(DOWNLOAD)}?id=abc").status_code == 404


# --- bad input ---------------------------------------------------------------------------------

THIS_YEAR = dt.date.today().year


@pytest.mark.parametrize(
    ("organ", "year", "message"),
    [
        ("999999", "2024", "Välj ett organ i listan."),
        ("KS", "2024", "Välj ett organ i listan."),
        ("no-protocols", "2024", "Välj ett organ i listan."),
        (None, "tjugotjugofyra", str(secretary_forms.YEAR_NOT_A_NUMBER)),
        (None, "1700", f"Ange ett år mellan 1863 och {THIS_YEAR}."),
        (None, str(THIS_YEAR + 5), f"Ange ett år mellan 1863 och {THIS_YEAR}."),
        (None, "", "Detta fält måste fyllas i."),
        (None, "2019", "Kommunstyrelsen har inga justerade protokoll från 2019."),
    ],
)
def test_bad_input_keeps_the_form_and_queues_nothing(
    secretary, year_of_protocols, broker, organ, year, message
):
    use_broker(DEAD_BROKER)  # nothing may be sent; if it were, this would answer 503
    if organ == "no-protocols":  # an organ that exists but has no justerat protocol
        organ = str(make_organ(name="Byggnadsnämnden", code="BN").pk)
    organ_value = organ or str(year_of_protocols["organ"].pk)
    response = secretary.post(reverse(CREATE), {"organ": organ_value, "year": year})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Formuläret innehåller fel" in html
    if year:
        assert f'value="{year}"' in html
    assert not ProtocolBatch.objects.exists()


def test_the_form_and_the_empty_list_render(secretary):
    form = secretary.get(reverse(CREATE))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Skriv ut ett års protokoll" in html and 'name="year"' in html
    assert "Kommunstyrelsen" in html
    # Only organs with a justerat protocol are offered.
    unapproved = make_organ(name="Byggnadsnämnden", code="BN")
    make_meeting(organ=unapproved, held_on=dt.date(2024, 2, 1))
    assert "Byggnadsnämnden" not in secretary.get(reverse(CREATE)).content.decode()
    listing = secretary.get(reverse(LIST))
    assert "Du har inte beställt några utskrifter." in listing.content.decode()
    meetings = secretary.get(reverse("secretary:meeting-list")).content.decode()
    assert reverse(CREATE) in meetings


def test_ordering_the_same_year_again_while_it_runs_queues_nothing(
    secretary, year_of_protocols, broker
):
    organ = year_of_protocols["organ"]
    ProtocolBatch.objects.create(organ=organ, year=2024, requested_by=secretary.user)
    use_broker(DEAD_BROKER)
    response = secretary.post(reverse(CREATE), {"organ": organ.pk, "year": 2024}, follow=True)
    assert response.status_code == 200
    assert "Du har redan beställt protokollen för Kommunstyrelsen 2024" in (
        response.content.decode()
    )
    assert ProtocolBatch.objects.count() == 1


def test_only_justerade_meetings_of_the_organ_and_year_are_chosen(year_of_protocols):
    chosen = list(tasks.batch_meetings(organ=year_of_protocols["organ"], year=2024))
    assert [m.held_on for m in chosen] == [dt.date(2024, 3, 12), dt.date(2024, 9, 3)]
    assert Decision.objects.filter(meeting__in=chosen).count() == 2


def test_a_protocol_justerat_with_the_date_unknown_is_chosen_too(year_of_protocols):
    """The seeded protocols are justerade, datum okänt (rule 9): they belong in the year's ZIP
    and make their organ choosable."""
    organ = year_of_protocols["organ"]
    meeting = make_meeting(organ=organ, held_on=dt.date(2024, 6, 18))
    make_decision(meeting=meeting, number=9, title="Sommarens paragraf")
    Meeting.objects.filter(pk=meeting.pk).update(approved_date_unknown=True)

    chosen = [m.held_on for m in tasks.batch_meetings(organ=organ, year=2024)]

    assert chosen == [dt.date(2024, 3, 12), dt.date(2024, 6, 18), dt.date(2024, 9, 3)]
    form = secretary_forms.ProtocolBatchForm(
        {"organ": organ.pk, "year": 2024}, today=dt.date(2026, 1, 1)
    )
    assert form.is_valid(), form.errors


def test_file_names_are_unique_and_say_organ_and_date(year_of_protocols):
    organ = year_of_protocols["organ"]
    same_day = Meeting(organ=organ, held_on=dt.date(2024, 3, 12), year=2024)
    undated = Meeting(organ=organ, held_on=None, year=2024)
    used: set[str] = set()
    assert tasks.protocol_filename(same_day, used) == "KS-2024-03-12-protokoll.pdf"
    assert tasks.protocol_filename(same_day, used) == "KS-2024-03-12-2-protokoll.pdf"
    assert tasks.protocol_filename(undated, used) == "KS-2024-datum-okant-protokoll.pdf"
