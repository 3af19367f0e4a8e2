"""``python manage.py import_register FILE``: import a data file (docs/data-format.md)."""

from django.core.management.base import BaseCommand, CommandError

from decisions.importer import ImportFailed, import_file

FILE_NOT_FOUND = "Filen {path} finns inte."
REFUSED = "Importen avbröts; inget har sparats. {count} fel:\n{errors}"


class Command(BaseCommand):
    help = "Importerar en datafil (YAML) till registret i en enda transaktion."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Sökväg till datafilen (YAML).")

    def handle(self, *args, path: str, **options):
        run_import(self, path)


def run_import(command: BaseCommand, path: str) -> None:
    try:
        result = import_file(path)
    except FileNotFoundError as exc:
        raise CommandError(FILE_NOT_FOUND.format(path=path)) from exc
    except ImportFailed as exc:
        errors = "\n".join(f"  - {e}" for e in exc.errors)
        raise CommandError(REFUSED.format(count=len(exc.errors), errors=errors)) from exc
    for line in result.summary_lines():
        command.stdout.write(line)
    if not result.changed_anything:
        command.stdout.write("Inga ändringar.")
