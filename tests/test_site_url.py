"""Issue 15, defect 12: `make demo PORT=8101` wrote links to :8000. The Makefile passes GUICHET_SITE_URL
from the demo's host and port; settings read it; e-mails and ICS feeds build their links from it."""

import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from icalendar import Calendar

from guichet.bookings.models import FeedToken

from . import test_bookings
from .conftest import ROOT
from .test_bookings import at, book, trained

lab = test_bookings.lab
DEMO_URL = "http://127.0.0.1:8101"


@pytest.mark.slow
def test_make_demo_passes_its_host_and_port_as_the_site_url():
    out = subprocess.run(["make", "-n", "demo", "PORT=8101"], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={k: v for k, v in os.environ.items() if k != "GUICHET_SITE_URL"}).stdout
    commands = [line for line in out.splitlines() if re.search(r"-m guichet (loaddemo|runserver)", line)]
    assert len(commands) == 2
    assert all(f"GUICHET_SITE_URL={DEMO_URL} " in line for line in commands)
    assert "runserver 127.0.0.1:8101" in commands[1]


@pytest.mark.slow
def test_settings_take_the_site_url_from_the_environment():
    env = {**os.environ, "GUICHET_SITE_URL": DEMO_URL, "GUICHET_DEBUG": "1", "PYTHONPATH": str(ROOT / "src"),
           "DJANGO_SETTINGS_MODULE": "guichet.config.settings"}
    got = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert got == DEMO_URL


@pytest.mark.django_db
def test_links_in_e_mails_and_ics_feeds_use_the_site_url(client, lab, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = DEMO_URL  # what GUICHET_SITE_URL=http://127.0.0.1:8101 gives (test above)
    trained(lab)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(lab, at(8, 10), at(8, 12))
    body = mail.outbox[-1].body
    assert f"{DEMO_URL}/bookings/mine/" in body and ":8000" not in body
    token = FeedToken.objects.create(instrument=lab["instrument"], created_by=lab["manager"])
    event = Calendar.from_ical(client.get(f"/bookings/feeds/{token.token}.ics").content).walk("VEVENT")[0]
    assert str(event["url"]) == f"{DEMO_URL}/bookings/instruments/cyto.aria/?week={booking.start.date().isoformat()}"
    assert str(event["uid"]) == f"booking-{booking.pk}@127.0.0.1:8101"
