"""``manage.py generate_register --decisions N --cases M [--seed S] [--small]``: fill the database
with a synthetic register of a region's size for measurements (decisions.generator)."""

from django.core.management.base import BaseCommand, CommandError

from decisions.generator import generate

SMALL = {"decisions": 2000, "cases": 1000, "organisations": 8}


class Command(BaseCommand):
    help = "Fyller databasen med ett syntetiskt register (organisationer, ärenden, paragrafer)."

    def add_arguments(self, parser):
        parser.add_argument("--decisions", type=int, default=1_000_000, help="antal paragrafer")
        parser.add_argument("--cases", type=int, default=500_000, help="antal ärenden")
        parser.add_argument("--seed", type=int, default=1, help="slumpfrö (samma frö, samma data)")
        parser.add_argument("--organisations", type=int, default=50, help="antal organisationer")
        parser.add_argument(
            "--small", action="store_true", help="litet register för CI (2 000 paragrafer)"
        )

    def handle(self, *args, **options):
        sizes = {
            "decisions": options["decisions"],
            "cases": options["cases"],
            "organisations": options["organisations"],
        }
        if options["small"]:
            sizes = dict(SMALL)
        if sizes["decisions"] < 0 or sizes["cases"] < 0 or sizes["organisations"] < 1:
            raise CommandError("Antalen måste vara positiva.")
        verbose = options["verbosity"] > 0
        try:
            stats = generate(
                seed=options["seed"],
                progress=(lambda message: self.stdout.write(message)) if verbose else None,
                **sizes,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if verbose:
            for table, count in sorted(stats.rows.items()):
                history = stats.history_rows.get(table.replace("_", "_historical", 1))
                extra = f" (+{history} historikrader)" if history else ""
                self.stdout.write(f"  {table}: {count}{extra}")
            self.stdout.write(self.style.SUCCESS(f"Klart på {stats.seconds:.1f} s."))
