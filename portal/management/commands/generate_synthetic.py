from django.core.management.base import BaseCommand, CommandError

from portal import synthetic


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with a synthetic union tree and N persons with households, "
        "schooling, notices, grants and employment records (deterministic for a seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="number of persons to create")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--batch-size", type=int, default=2000, help="rows per INSERT statement")
        parser.add_argument(
            "--last-year", type=int, default=synthetic.LAST_YEAR, help="last year with records (three years in all)"
        )

    def handle(self, *args, persons, seed, batch_size, last_year, **options):
        if persons < 1:
            raise CommandError("--persons must be at least 1")
        try:
            counts = synthetic.generate(
                persons=persons,
                seed=seed,
                batch_size=batch_size,
                last_year=last_year,
                log=lambda message: self.stderr.write(message),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(label) for label in counts)
        for label, count in counts.items():
            self.stdout.write(f"{label:<{width}}  {count:>10}")
