"""Issue an API token for another system; the token is printed once, as the last line."""

from django.core.management.base import BaseCommand, CommandError

from cases.api import TOKEN_NAME_TAKEN, issue_token


class Command(BaseCommand):
    help = "Skapar en API-nyckel för ett annat system och skriver ut den (sista raden)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Systemets namn, t.ex. e-tjänst-bygglov")

    def handle(self, *args, name: str, **options):
        try:
            token = issue_token(name=name)
        except ValueError as exc:
            raise CommandError(str(TOKEN_NAME_TAKEN)) from exc
        self.stdout.write(f"API-nyckel för {name!r} (visas bara en gång, lagras som hash):")
        self.stdout.write(token)
