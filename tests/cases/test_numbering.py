"""Diarienummer allocation (rule 24) and handling numbers (rule 25)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cases.models import Case, RegisterCounter
from cases.services import (
    CASE_ALREADY_CLOSED,
    LINK_SAME_REGISTER,
    add_document,
    close_case,
    import_case,
    link_cases,
    register_case,
    reopen_case,
)
from tests.factories import make_case, make_organisation, make_register

PARALLEL = 50


def _register_in_parallel(register, count: int) -> list[Exception]:
    errors: list[Exception] = []
    start = threading.Barrier(count)

    def work(n: int) -> None:
        try:
            start.wait()
            register_case(register=register, title=f"Parallellt ärende {n}", year=2024)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_registrations_get_exactly_the_numbers_one_to_fifty():
    register = make_register(code="KS", number_format="{year}{code}{seq}")

    errors = _register_in_parallel(register, PARALLEL)

    assert errors == []
    serials = sorted(Case.objects.filter(register=register).values_list("serial", flat=True))
    assert serials == list(range(1, PARALLEL + 1))
    assert RegisterCounter.objects.get(register=register, year=2024).last_serial == PARALLEL


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_registration_leaves_no_gap():
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    register_case(register=register, title="Första", year=2024)

    with pytest.raises(RuntimeError), transaction.atomic():
        register_case(register=register, title="Ångrad", year=2024)
        raise RuntimeError("the surrounding work failed")
    third = register_case(register=register, title="Tredje försöket", year=2024)

    assert third.serial == 2
    assert third.number == "2024KS2"


@pytest.mark.django_db(transaction=True)
def test_an_invalid_case_does_not_consume_a_number():
    register = make_register(code="KS", number_format="{year}{code}{seq}")

    with pytest.raises(ValidationError):
        register_case(register=register, title="", year=2024)
    case = register_case(register=register, title="Giltigt", year=2024)

    assert case.serial == 1


@pytest.mark.django_db
def test_the_serial_restarts_at_one_in_a_new_year():
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    register_case(register=register, title="A", year=2023)
    register_case(register=register, title="B", year=2023)

    case = register_case(register=register, title="C", year=2024)

    assert case.serial == 1


@pytest.mark.django_db
def test_two_registers_may_hand_out_the_same_serial_in_the_same_year():
    organisation = make_organisation()
    ks = make_register(organisation=organisation, code="KS", number_format="{year}{code}{seq}")
    vfn = make_register(organisation=organisation, code="VFN", number_format="{year}{code}{seq}")

    a = register_case(register=ks, title="A", year=2022)
    b = register_case(register=vfn, title="B", year=2022)

    assert (a.serial, b.serial) == (1, 1)
    assert (a.number, b.number) == ("2022KS1", "2022VFN1")


@pytest.mark.django_db
def test_an_imported_number_is_kept_and_the_counter_moves_past_it():
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    register_case(register=register, title="A", year=2022)

    imported = import_case(register=register, year=2022, serial=554, title="Ur gamla diariet")
    older = import_case(register=register, year=2022, serial=100, title="Äldre import")
    following = register_case(register=register, title="Nästa", year=2022)

    assert imported.number == "2022KS554"
    assert older.serial == 100
    assert following.serial == 555


@pytest.mark.parametrize(
    ("number_format", "code", "year", "serial", "expected"),
    [
        ("{year}.{seq:03d} {code}", "KS", 2023, 509, "2023.509 KS"),
        ("{year}.{seq:03d} {code}", "KS", 2023, 7, "2023.007 KS"),
        ("{year}{code}{seq}", "KS", 2022, 554, "2022KS554"),
        ("{code} {year}/{seq}", "KS", 2023, 123, "KS 2023/123"),
    ],
)
@pytest.mark.django_db
def test_the_number_is_shown_in_the_register_s_format(number_format, code, year, serial, expected):
    register = make_register(code=code, number_format=number_format)
    import_case(register=register, year=year, serial=serial - 1, title="Föregående")

    case = register_case(register=register, title="Ärende", year=year)

    assert case.number == expected
    assert Case.objects.get(pk=case.pk).number_key == expected.lower().replace(" ", "").replace(
        ".", ""
    ).replace("/", "")


@pytest.mark.django_db
def test_the_registration_date_gives_the_year_when_no_year_is_given():
    register = make_register(code="KS", number_format="{year}{code}{seq}")

    case = register_case(register=register, title="A", opened_on=dt.date(2021, 12, 31))

    assert (case.year, case.number) == (2021, "2021KS1")


@pytest.mark.django_db
def test_handlingar_are_numbered_dnr_colon_serial_within_their_case():
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    case = register_case(register=register, title="A", year=2024)
    other = register_case(register=register, title="B", year=2024)

    first = add_document(
        case=case, date=dt.date(2024, 2, 1), direction="incoming", description="Skrivelse"
    )
    second = add_document(
        case=case, date=dt.date(2024, 2, 2), direction="outgoing", description="Svar"
    )
    elsewhere = add_document(
        case=other, date=dt.date(2024, 2, 2), direction="drawn_up", description="PM"
    )

    assert (first.number, second.number) == ("2024KS1:1", "2024KS1:2")
    assert elsewhere.number == "2024KS2:1"


@pytest.mark.django_db
def test_closing_and_reopening_a_case_is_recorded_in_its_history(admin_user):
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    case = register_case(
        register=register, title="A", opened_on=dt.date(2024, 1, 2), user=admin_user
    )

    close_case(case=case, closed_on=dt.date(2024, 3, 1), user=admin_user)
    with pytest.raises(ValidationError) as excinfo:
        close_case(case=case, user=admin_user)
    reopened = reopen_case(case=case, user=admin_user)

    assert CASE_ALREADY_CLOSED in excinfo.value.messages
    assert reopened.status == "open" and reopened.closed_on is None
    reasons = list(case.history.order_by("history_date").values_list("history_change_reason"))
    assert reasons == [("Registrerat",), ("Avslutat",), ("Återupptaget",)]
    assert {h.history_user for h in case.history.all()} == {admin_user}


@pytest.mark.django_db
def test_cases_are_linked_only_across_registers():
    organisation = make_organisation()
    ks = make_register(organisation=organisation, code="KS", number_format="{year}{code}{seq}")
    vfn = make_register(organisation=organisation, code="VFN", number_format="{year}{code}{seq}")
    a = register_case(register=ks, title="A", year=2022)
    b = register_case(register=vfn, title="B", year=2022)
    c = register_case(register=ks, title="C", year=2022)

    link = link_cases(from_case=b, to_case=a)
    with pytest.raises(ValidationError) as excinfo:
        link_cases(from_case=a, to_case=c)

    assert link.to_case == a
    assert LINK_SAME_REGISTER in excinfo.value.messages


@pytest.mark.django_db
def test_cases_loaded_without_import_case_are_not_given_their_numbers_again():
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    register_case(register=register, title="A", year=2022)
    make_case(register=register, year=2022, serial=40)  # a bulk load that skips the counter
    make_case(register=register, year=2023, serial=7)

    same_year = register_case(register=register, title="B", year=2022)
    next_year = register_case(register=register, title="C", year=2023)

    assert (same_year.serial, next_year.serial) == (41, 8)
