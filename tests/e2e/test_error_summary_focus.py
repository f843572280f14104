"""Issue 15: a form sent back refused puts the focus on its error summary, in view, on a phone (390x844) — the
GOV.UK pattern, done by the site's static script under the Content-Security-Policy (no inline script)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.bookings.models import Booking
from guichet.bookings.services import training_grant
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument, Platform

from ..factories import PASSWORD, UserFactory
from .test_csp import WATCH_VIOLATIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Where the focus is and whether the element is within the viewport, read by the page.
FOCUSED = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  return {id: e.id, summary: e.hasAttribute('data-error-summary'), top: r.top, bottom: r.bottom,
          height: window.innerHeight}; }"""


def phone(browser, live_server, email, locale):
    """A phone-sized browser in `locale`, logged in as `email`, watching the policy's violations."""
    context = browser.new_context(locale=locale, viewport=PHONE)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page


@pytest.fixture
def instrument(transactional_db):
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    manager = UserFactory(email="manager@e2e.example", manager=True)
    platform.managers.add(manager)
    spectral = Instrument.objects.create(key="cyto.spectral", name="Spectral cytometer", platform=platform,
                                         requires_training=True)
    training_grant(actor=manager, user=UserFactory(email="trained@e2e.example"), instrument=spectral)
    return spectral


@pytest.mark.parametrize("language, said", [("fr", "Rien n’a été réservé"), ("en", "Nothing was booked")])
def test_after_a_refused_booking_on_a_phone_the_summary_has_the_focus_in_view(browser, live_server, instrument,
                                                                              language, said):
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    page = phone(browser, live_server, "trained@e2e.example", "fr-FR" if language == "fr" else "en-GB")
    page.goto(f"{live_server.url}/bookings/instruments/cyto.spectral/?week={monday.isoformat()}")
    # 90 minutes from 19:30 runs past the 20:00 closing: refused beside the calendar.
    page.select_option("select[name=duration]", "90")
    page.locator("button.slot.free", has_text="19:30").first.click()
    page.wait_for_selector("#book-errors")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'book-errors'")
    focused = page.evaluate(FOCUSED)
    assert focused["summary"] and focused["id"] == "book-errors"
    assert 0 <= focused["top"] < focused["height"] and focused["bottom"] > 0, focused
    assert said in page.locator("#book-errors").inner_text()
    assert page.evaluate("window.__csp") == []   # done by guichet.js, not an inline script
    assert not Booking.objects.exists()


def test_a_page_without_refusal_keeps_its_focus_where_it_was(browser, live_server, instrument):
    page = phone(browser, live_server, "trained@e2e.example", "fr-FR")
    page.goto(f"{live_server.url}/bookings/instruments/cyto.spectral/")
    assert page.evaluate("document.activeElement === document.body")
    assert page.evaluate("window.scrollY") == 0
