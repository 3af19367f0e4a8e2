"""``python manage.py send_task_reminders [--days N] [--on ÅÅÅÅ-MM-DD] [--dry-run]``: mail those
responsible for uppdrag due within N days (or overdue), and list the uppdrag without an
address. The same function as the daily Celery beat task (decisions/tasks/reminders.py)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from decisions import rules as date_rules
from decisions.tasks import reminders


class Command(BaseCommand):
    help = "Skickar påminnelser om uppdrag från beslut som snart ska vara klara eller är försenade."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.TASK_REMINDER_DAYS,
            help="Hur många dagar framåt (standard %(default)s).",
        )
        parser.add_argument("--on", help="Dagen att räkna från, ÅÅÅÅ-MM-DD (standard i dag).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle skickas, skicka inget."
        )

    def handle(self, *args, days, on, dry_run, **options):
        if days < 0:
            raise CommandError("--days kan inte vara negativt.")
        try:
            day = dt.date.fromisoformat(on) if on else date_rules.today()
        except ValueError:
            raise CommandError(f"Ogiltigt datum i --on: {on!r}. Skriv ÅÅÅÅ-MM-DD.") from None
        run = reminders.send_reminders(on=day, days=days, dry_run=dry_run)
        verb = "Skulle skicka" if dry_run else "Skickade"
        self.stdout.write(
            f"{verb} {len(run.sent)} påminnelser om {run.task_count - len(run.without_address)} "
            f"uppdrag som ska vara klara senast {day + dt.timedelta(days=days)}."
        )
        for reminder in run.sent:
            self.stdout.write(f"  {reminder.address}: {len(reminder.tasks)} uppdrag")
        if run.without_address:
            self.stdout.write(
                f"{len(run.without_address)} uppdrag har ingen ansvarig med e-postadress "
                "(ange e-post på personen eller organet):"
            )
            for task in run.without_address:
                self.stdout.write(f"  {task.decision} – {task.responsible} – {task.due_on}")
