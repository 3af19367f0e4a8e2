"""Create the demo users of a local installation, one per role, and print their logins.

Idempotent: run again, it resets the same users to the same state. Not for production.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from insjoriket.access import ELECTED, REGISTRATOR, SECRETARY, setup_roles

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "insjoriket-demo"  # noqa: S105 - a local demo login, printed on purpose

# username → (first name, last name, role group)
DEMO_ROLE_USERS = {
    "registrator": ("Rebecka", "Registrator", REGISTRATOR),
    "sekreterare": ("Sven", "Sekreterare", SECRETARY),
    "fortroendevald": ("Frida", "Förtroendevald", ELECTED),
}


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
