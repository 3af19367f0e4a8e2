"""Create the demo users of a local installation, one per role, and print their logins.

The demo ordförande and justerare (digital justering, docs/justering.md) are linked to the
ordförande and a serving member of the latest seeded meeting that is not yet justerat, if
there is one, else to demo Persons of their own, and get a TOTP device with a fixed secret,
printed so that an authenticator app can be set up. DEMO ONLY: the secrets are in this file.

Idempotent: run again, it resets the same users to the same state. Not for production.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from insjoriket.access import ELECTED, REGISTRATOR, SECRETARY, setup_roles
from insjoriket.history import save_recorded
from members.models import Person

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "insjoriket-demo"  # noqa: S105 - a local demo login, printed on purpose

# username → (first name, last name, role group)
DEMO_ROLE_USERS = {
    "registrator": ("Rebecka", "Registrator", REGISTRATOR),
    "sekreterare": ("Sven", "Sekreterare", SECRETARY),
    "fortroendevald": ("Frida", "Förtroendevald", ELECTED),
}
# The demo signers of a digital justering: username → (first, last, role, TOTP secret in hex).
# DEMO ONLY — fixed, public secrets.
DEMO_SIGNERS = {
    "ordforande": ("Olle", "Ordförande", ELECTED, "3132333435363738393031323334353637383930"),
    "justerare": ("Jenny", "Justerare", ELECTED, "0102030405060708090a0b0c0d0e0f1011121314"),
}
SERVING = ("member", "serving_substitute")  # decisions.Attendance.SERVING_ROLES


def _unjusterat(prefix: str) -> Q:
    """Persons by a meeting of theirs that is not justerat (decisions' ``justerad_q``, written
    out: members does not import decisions)."""
    return Q(
        **{
            f"{prefix}__approved_on__isnull": True,
            f"{prefix}__approved_date_unknown": False,
            f"{prefix}__known_from_sources": "",
            f"{prefix}__held_on__isnull": False,
        }
    )


def demo_signer_people(users: dict) -> tuple[Person, Person]:
    """The ordförande and a serving justerare of the latest meeting not yet justerat whose
    Persons have no other login; demo Persons of their own when there is none."""
    free = Q(user__isnull=True) | Q(user__in=users.values())
    for chair in (
        Person.objects.filter(_unjusterat("meetings_chaired"), free)
        .order_by("-meetings_chaired__held_on")
        .distinct()[:20]
    ):
        meeting = (
            chair.meetings_chaired.filter(
                approved_on__isnull=True,
                approved_date_unknown=False,
                known_from_sources="",
                held_on__isnull=False,
            )
            .order_by("-held_on")
            .first()
        )
        if meeting is None:
            continue
        approver = (
            Person.objects.filter(free, attendances__meeting=meeting, attendances__role__in=SERVING)
            .exclude(pk=chair.pk)
            .order_by("name")
            .first()
        )
        if approver is not None:
            return chair, approver
    people = []
    for username in DEMO_SIGNERS:
        first, last, _role, _key = DEMO_SIGNERS[username]
        person, _created = Person.objects.get_or_create(
            key=f"demo-{username}", defaults={"name": f"{first} {last} (demo)"}
        )
        people.append(person)
    return people[0], people[1]


class Command(BaseCommand):
    help = (
        "Skapar demoanvändare (endast för lokal demo): administratören admin och en användare "
        "per roll (registrator, sekreterare, fortroendevald), och skriver ut inloggningarna."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        setup_roles()  # the groups must exist; safe to run again
        user_model = get_user_model()

        admin, _created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"first_name": "Demo", "last_name": "Administratör", "email": ""},
        )
        admin.is_staff = True
        admin.is_superuser = True
        admin.is_active = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()

        for username, (first, last, role) in DEMO_ROLE_USERS.items():
            user, _created = user_model.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.is_staff = False
            user.is_superuser = False
            user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role)])

        signers = {}
        for username, (first, last, role, _key) in DEMO_SIGNERS.items():
            user, _created = user_model.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.is_staff = False
            user.is_superuser = False
            user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            signers[username] = user
        for username, person in zip(DEMO_SIGNERS, demo_signer_people(signers), strict=True):
            user = signers[username]
            for earlier in Person.objects.filter(user=user).exclude(pk=person.pk):
                earlier.user = None
                save_recorded(earlier, reason="Demoanvändare flyttad (create_demo_users)")
            if person.user_id != user.pk:
                person.user = user
                save_recorded(person, reason="Demoanvändare kopplad (create_demo_users)")
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(
                user=user, name="Demo (endast demo)", key=DEMO_SIGNERS[username][3], confirmed=True
            )
            self.stdout.write(
                f"Demojusterare {username!r} = {person.name}: lösenord {DEMO_PASSWORD!r}, "
                f"TOTP-hemlighet (ENDAST DEMO) {device.key}, {device.config_url}"
            )

        self.stdout.write(
            self.style.SUCCESS(
                "Demoinloggning: http://127.0.0.1:8000/admin/ "
                f"användarnamn {DEMO_USERNAME!r}, lösenord {DEMO_PASSWORD!r}"
            )
        )
        for username, (_first, _last, role) in DEMO_ROLE_USERS.items():
            self.stdout.write(
                f"Demoanvändare i rollen {role}: http://127.0.0.1:8000/logga-in/ "
                f"användarnamn {username!r}, lösenord {DEMO_PASSWORD!r}"
            )
