"""Roles and secrecy access (rules 21–22)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command

from cases.models import Case
from insjoriket.access import can_register, can_see_secret
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_setup_roles_creates_the_four_groups_and_can_run_twice():
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115

    names = set(Group.objects.values_list("name", flat=True))
    assert {"registrator", "sekreterare", "förtroendevald", "administratör"} <= names


def test_no_role_may_delete_registered_data(roles):
    for group in Group.objects.all():
        assert not group.permissions.filter(codename__startswith="delete_").exists(), group


@pytest.mark.parametrize(
    ("role", "sees_secret", "registers"),
    [
        ("registrator", True, True),
        ("administratör", True, True),
        ("sekreterare", False, False),
        ("förtroendevald", False, False),
        (None, False, False),
    ],
)
def test_each_role_s_access_to_secrets_and_registration(make_user, role, sees_secret, registers):
    user = make_user(role)

    assert (can_see_secret(user), can_register(user)) == (sees_secret, registers)


def test_anonymous_visitors_see_only_public_cases(registrator):
    public = make_case(title="Öppet ärende")
    secret = make_case(
        title="Hemligt",
        is_secret=True,
        secrecy_ground="OSL 26:1",
        secrecy_marked_on="2024-01-15",
        secrecy_marked_by="Socialnämnden",
    )

    assert list(Case.objects.all().visible_to(AnonymousUser())) == [public]
    assert set(Case.objects.all().visible_to(registrator)) == {public, secret}
