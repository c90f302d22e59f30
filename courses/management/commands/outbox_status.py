import json

from django.core.management.base import BaseCommand, CommandError

from courses.selectors.mail import outbox_health


class Command(BaseCommand):
    help = (
        "Print the outbox's health as JSON: emails waiting, the age of the oldest, and "
        "those that failed for good in the last day. With --max-age, exit 1 when the "
        "oldest waiting email is older (for a monitoring check)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-age", type=int, help="seconds")

    def handle(self, *args, max_age=None, **options):
        health = outbox_health()
        self.stdout.write(json.dumps(health))
        if max_age is not None and health["oldest_pending_seconds"] > max_age:
            raise CommandError(
                f"The oldest waiting email is {health['oldest_pending_seconds']} s old "
                f"(limit {max_age} s): is a worker running?"
            )
