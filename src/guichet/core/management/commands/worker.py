"""`guichet worker`: run the background jobs with whichever queue GUICHET_TASKS_BACKEND selects."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from guichet.core.jobs import seed_clock
from guichet.core.warm import warm_up


class Command(BaseCommand):
    help = ("Run background jobs (e-mail, imports, re-tagging, antibody batches, reminders). Database queue by "
            "default (django-tasks-db's db_worker); with GUICHET_TASKS_BACKEND=rq, an RQ worker on "
            "GUICHET_REDIS_URL with its scheduler. Start as many as you like; each job runs once.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is due, then exit (database queue)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls (database queue)")

    def handle(self, *args, batch, interval, **options):
        verbosity = options.get("verbosity", 1)
        # The periodic job (reminders, recovery of interrupted jobs) starts with the first worker.
        seed_clock()
        if not batch:
            # What the jobs load on first use (the antibody engine, the matching engine of desk e-mails), loaded
            # before the first job; an RQ worker forks each job from this process, so they find them loaded. A
            # --batch run (tests, a catch-up) works on what is due and exits: it does not pay for them.
            warm_up()
        backend = settings.GUICHET_TASKS_BACKEND
        if backend == "rq":
            argv = ["default", "--with-scheduler", "--job-class", "django_tasks_rq.backend.Job"] + (["--burst"] if batch else [])
            call_command("rqworker", *argv, verbosity=verbosity)
        elif backend == "database":
            argv = ["--queue-name", "default", "--interval", str(interval), "--no-reload"]
            if batch:
                argv.append("--batch")
            call_command("db_worker", *argv, verbosity=verbosity)
        else:
            raise CommandError(f"GUICHET_TASKS_BACKEND={backend} runs jobs in the request; there is no worker.")
