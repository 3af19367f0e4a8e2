"""Create or update the roles registrator, sekreterare, förtroendevald and administratör."""

from django.core.management.base import BaseCommand

from insjoriket.access import setup_roles


class Command(BaseCommand):
    help = (
        "Skapar eller uppdaterar grupperna registrator, sekreterare, förtroendevald och "
        "administratör med deras behörigheter. Kan köras flera gånger."
    )

    def handle(self, *args, **options):
        for role, count in setup_roles().items():
            self.stdout.write(f"{role}: {count} behörigheter")
