"""Create the demo administrator for a local installation and print its login."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "insjoriket-demo"  # noqa: S105 - a local demo login, printed on purpose


class Command(BaseCommand):
    help = "Skapar en demoadministratör (endast för lokal demo) och skriver ut inloggningen."

    def handle(self, *args, **options):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"first_name": "Demo", "last_name": "Administratör", "email": ""},
        )
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                "Demoinloggning: http://127.0.0.1:8000/admin/ "
                f"användarnamn {DEMO_USERNAME!r}, lösenord {DEMO_PASSWORD!r}"
            )
        )
