from django.core.management.base import BaseCommand

from guichet.bookings.services import send_due_reminders


class Command(BaseCommand):
    help = ("E-mail a reminder for bookings starting within the next 24 hours. The worker (`guichet worker`) "
            "already does this every GUICHET_TICK_SECONDS; this command is for a one-off run. Each reminder is "
            "claimed by one process and sent once.")

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
