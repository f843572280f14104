"""Accessibility in Chromium, on the demo: every page each role reaches from the menu passes axe-core with no
serious or critical violation, does not scroll sideways at phone width and, in the text Chromium renders, shows
no raw choice code nor English left on a French page (the checks of tests/test_raw_codes.py, imported); booking
a slot and submitting a need work with the keyboard alone."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from guichet.bookings.models import Booking
from guichet.desk.models import Need

from ..test_raw_codes import reader_faults
from .conftest import login
from .test_booking_journey import (
    next_week_monday,
    platform,  # noqa: F401 (fixture)
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "guichet-demo-2026"
SKIP = re.compile(r"^/(api|admin|i18n|static|media)/|\.(csv|xlsx|json|pdf|ics)$|/logout|/desk/r/|/confirm/")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""

# The words a reader sees in <main> once scripts ran and styles applied, piece by piece (visible text nodes and
# tooltips), without what is marked as written in another language than the page's (a record's own words) nor
# what is set as code: as tests/test_raw_codes.ReaderText reads the HTML.
READER_TEXT = """() => {
  const language = document.documentElement.lang.split("-")[0];
  const main = document.querySelector("main") || document.body;
  const ours = (el) => { const marked = el.closest("[lang]"); return !marked || marked.lang.split("-")[0] === language; };
  const parts = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !el.closest("script, style, template, code, kbd, samp") && el.checkVisibility() && ours(el)) parts.push(walker.currentNode.data);
  }
  for (const el of main.querySelectorAll("[title], [aria-label]")) {
    if (ours(el)) parts.push(el.getAttribute("title") || "", el.getAttribute("aria-label") || "");
  }
  return parts.filter((part) => part.trim());
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("loaddemo", verbosity=0)


def page_faults(page, language, axe) -> list[str]:
    """What the crawl fails a page on: serious or critical axe violations, sideways scroll at 390 px, and what
    a reader must not see in the text Chromium renders (raw codes, English left: tests/test_raw_codes.py)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    page.evaluate(axe)
    found = page.evaluate(RUN_AXE)
    if width > 391:
        found.append(f"scrolls sideways at 390 px ({width} px wide)")
    return found + reader_faults(page.evaluate(READER_TEXT), language)


def pages_of(page, base, limit, start="/", follow=None):
    """Follow links from the home page, one page per URL shape (every instrument calendar is the same page);
    with `follow`, only the links whose path it matches."""
    seen, shapes, queue = set(), set(), [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", urlsplit(path).path)
        if path in seen or shape in shapes:
            continue
        seen.add(path)
        shapes.add(shape)
        try:
            response = page.goto(base + path)
        except PlaywrightError as error:  # a file the link downloads (evidence, a CV): not a page to read
            if "Download is starting" in str(error):
                continue
            raise
        assert response is None or response.status < 500, f"{path} answers {response.status}"
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        yield path
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            href = href.split("#")[0]
            path_of = urlsplit(href).path
            if (href.startswith("/") and not SKIP.search(path_of) and href not in seen
                    and (follow is None or follow.search(path_of))):
                queue.append(href)


def signed_in(browser, live_server, role, language):
    """A phone-sized page of the demo, in `language` chosen with the site's own switch, signed in as `role`."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/")
    if language == "en":
        page.click("button[name=language][value=en]")
        page.wait_for_selector("html[lang=en]")
    if role != "anonymous":
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(live_server.url + "/")
    return context, page


@pytest.mark.parametrize("role, language", [
    ("anonymous", "fr"), ("anonymous", "en"), ("member@demo.guichet.example", "fr"),
    ("manager@demo.guichet.example", "fr"), ("founder@demo.guichet.example", "en"),
    ("staff@demo.guichet.example", "fr"), ("staff@demo.guichet.example", "en"),
])
def test_every_page_passes_axe_fits_a_phone_and_reads_in_its_language(browser, live_server, demo, role, language):
    if not AXE.exists():
        pytest.fail(f"axe-core is required at {AXE} (make test installs it from the npm registry)")
    axe = AXE.read_text()
    context, page = signed_in(browser, live_server, role, language)
    problems, count = {}, 0
    for path in pages_of(page, live_server.url, limit=35):
        count += 1
        if found := page_faults(page, language, axe):
            problems[path] = found
    context.close()
    assert count >= 10
    assert problems == {}


# The apps added after the first crawl, whose pages lie deeper than its 35 first pages: walked from the menu too,
# following only their own links (calls, jobs, research groups, facility, declarations, impact and its reports).
NEWER_APPS = re.compile(r"^/(calls|talent|groups|facility|declarations|impact)/")


@pytest.mark.parametrize("role, language", [
    ("member@demo.guichet.example", "fr"), ("manager@demo.guichet.example", "en"),
    ("staff@demo.guichet.example", "fr"), ("staff@demo.guichet.example", "en"),
])
def test_the_newer_apps_pass_axe_fit_a_phone_and_read_in_their_language(browser, live_server, demo, role,
                                                                        language):
    axe = AXE.read_text()
    context, page = signed_in(browser, live_server, role, language)
    problems, reached = {}, []
    for path in pages_of(page, live_server.url, limit=60, follow=NEWER_APPS):
        if path != "/":
            reached.append(path)
        if found := page_faults(page, language, axe):
            problems[path] = found
    context.close()
    apps_reached = {p.split("/")[1] for p in reached}
    assert apps_reached >= {"calls", "talent", "declarations", "groups"} | (
        {"impact"} if role.startswith("staff") else set()), apps_reached
    assert problems == {}


def test_the_browser_crawl_fails_on_each_fault(browser, live_server, transactional_db):
    """The crawl's checks, on a real French page spoiled one way at a time: each spoil is reported."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    axe = AXE.read_text()
    page.goto(live_server.url + "/")
    assert page_faults(page, "fr", axe) == []
    spoils = {
        "raw code in_progress": "<p>Statut in_progress</p>",
        "English message left: 'Save'": "<button type=button>Save</button>",
        "English left: 'Nothing was saved: see the errors below'":
            "<p>Nothing was saved: see the errors below.</p>",
        "scrolls sideways at 390 px": "<div style='width:900px'>x</div>",
        "image-alt (critical)": "<img src='/static/favicon.svg'>",
    }
    for expected, html in spoils.items():
        page.goto(live_server.url + "/")
        page.evaluate("(html) => document.querySelector('main').insertAdjacentHTML('beforeend', html)", html)
        found = page_faults(page, "fr", axe)
        assert [fault for fault in found if fault.startswith(expected)] and len(found) == 1, (expected, found)
    page.goto(live_server.url + "/")
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<p lang=en>Nothing was saved: see the errors below. Save</p>')")  # a record's own words
    assert page_faults(page, "fr", axe) == []
    page.route(live_server.url + "/broken/", lambda route: route.fulfill(status=500, body="boom"))
    with pytest.raises(AssertionError, match="/broken/ answers 500"):
        list(pages_of(page, live_server.url, limit=1, start="/broken/"))
    context.close()


def tab_to(page, selector, limit=300):
    """Press Tab until the focused element matches `selector` (fails if the keyboard never gets there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_booking_a_slot_with_the_keyboard_alone(browser, live_server, platform):  # noqa: F811
    monday = next_week_monday()
    page = login(browser, live_server, "trained@e2e.example")
    page.goto(f"{live_server.url}/bookings/instruments/cyto.spectral/?week={monday.isoformat()}")
    tab_to(page, "select[name=duration]")
    page.keyboard.press("ArrowDown")  # the second duration offered
    tab_to(page, "button.slot.free")
    chosen = page.evaluate("document.activeElement.value")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages li.success")
    booking = Booking.objects.get()
    assert booking.start.isoformat()[:16] == chosen[:16] or booking.start.astimezone().isoformat()[:16] == chosen[:16]
    assert booking.end > booking.start


def test_submitting_a_need_with_the_keyboard_alone(browser, live_server, transactional_db):

    from ..factories import UserFactory

    UserFactory(email="keyboard@e2e.example")
    page = login(browser, live_server, "keyboard@e2e.example")
    tab_to(page, "#site-nav .menu-button[aria-controls=menu-desk]")
    page.keyboard.press("Enter")
    tab_to(page, "#menu-desk a[href='/desk/']")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/desk/")
    tab_to(page, "#id_text")
    page.keyboard.type("Nous cherchons une plateforme de cytométrie en flux pour trier des lymphocytes T")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages li.success")
    assert Need.objects.get().text.startswith("Nous cherchons une plateforme de cytométrie")
