"""``python manage.py load_insjoriket``: import ``insjoriket/data/insjoriket.yaml``, the register
data of Samordningsförbundet Insjöriket as the seed documents state it."""

from django.conf import settings
from django.core.management.base import BaseCommand

from decisions.management.commands.import_register import run_import

DATA_FILE = settings.BASE_DIR / "insjoriket" / "data" / "insjoriket.yaml"


class Command(BaseCommand):
    help = "Läser in Insjörikets data (insjoriket/data/insjoriket.yaml)."

    def handle(self, *args, **options):
        run_import(self, str(DATA_FILE))
