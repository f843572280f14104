from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from guichet.bookings.models import Booking
from guichet.bookings.services import booking_reminder_claim


class Command(BaseCommand):
    help = ("E-mail a reminder for bookings starting within the next 24 hours. Safe from cron every few minutes "
            "and from several processes at once: each reminder is claimed by one process, sent once.")

    def handle(self, *args, **options):
        now = timezone.now()
        due = Booking.objects.filter(kind=Booking.Kind.BOOKING, status=Booking.Status.CONFIRMED,
                                     reminder_sent_at__isnull=True, start__gt=now,
                                     start__lte=now + timedelta(hours=24)).values_list("pk", flat=True)
        sent = 0
        for pk in list(due):
            if booking_reminder_claim(booking_pk=pk, now=now) is not None:
                sent += 1
        self.stdout.write(f"{sent} reminder(s) sent")
