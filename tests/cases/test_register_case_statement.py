"""register_case allocates, inserts and records a case in one SQL statement (for throughput,
see tests/bench/bench_registration.py). It must give exactly what the ORM path gives: the
number as ``Register.format_number`` makes it, the normalised number, a history row with user
and reason (rules 23, 24)."""

import pytest

from cases.models import Case
from cases.services import register_case
from tests.factories import make_register

FORMATS = [
    "{year}.{seq:03d} {code}",
    "{year}{code}{seq}",
    "{code} {year}/{seq}",
    "{code}-{year}-{seq:05d}",
    "{year}/{seq:4d}",  # space padding: the ORM path
    "{code}{seq}/{year}",
]


@pytest.mark.django_db
@pytest.mark.parametrize("number_format", FORMATS)
def test_the_number_is_the_one_the_register_format_gives(number_format, admin_user):
    register = make_register(code="KS", number_format=number_format)
    for serial in (1, 2):
        case = register_case(register=register, title=f"Ärende {serial}", year=2024,
                             user=admin_user)  # fmt: skip
        stored = Case.objects.get(pk=case.pk)
        assert stored.serial == case.serial == serial
        assert stored.number == case.number == register.format_number(year=2024, serial=serial)
        assert stored.number_key == "".join(ch for ch in stored.number.lower() if ch.isalnum())
    history = stored.history.get()
    assert history.history_type == "+"
    assert history.history_user == admin_user
    assert history.history_change_reason == "Registrerat"
    assert history.number == stored.number
    assert history.title == "Ärende 2"


@pytest.mark.django_db
def test_a_registered_case_can_be_changed_and_its_history_grows():
    register = make_register(code="SN", number_format="{year}.{seq:03d} {code}")
    case = register_case(register=register, title="Första titeln", year=2023, officer="Eva")
    case.title = "Ändrad titel"
    case.save()
    assert Case.objects.get(pk=case.pk).title == "Ändrad titel"
    assert case.history.count() == 2
    assert case.number == "2023.001 SN"


@pytest.mark.django_db
def test_a_year_out_of_range_is_refused_before_a_number_is_taken():
    from django.core.exceptions import ValidationError

    from cases.models import RegisterCounter
    from cases.services import YEAR_OUT_OF_RANGE

    register = make_register(code="KS")
    with pytest.raises(ValidationError) as error:
        register_case(register=register, title="För gammalt", year=1800)
    assert error.value.message_dict["year"] == [str(YEAR_OUT_OF_RANGE)]
    assert not RegisterCounter.objects.filter(register=register).exists()
