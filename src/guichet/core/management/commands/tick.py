from django.core.management.base import BaseCommand

from guichet.core.jobs import run_periodic


class Command(BaseCommand):
    help = "Run the worker's periodic work once now (reminders, recovery of lost or interrupted jobs)."

    def handle(self, *args, **options):
        self.stdout.write(str(run_periodic()))
