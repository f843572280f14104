"""The Content-Security-Policy in real Chromium: htmx search-as-you-type and the desk suggestions still
work, and no page the journeys use triggers a violation (no inline script, style or event handler)."""

import pytest

from guichet.directory.services import directory_import

from ..factories import UserFactory
from ..test_matching import DIRECTORY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Collects what the browser refused, as the page sees it (the event carries the directive and the source).
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


@pytest.fixture
def watched(browser):
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15000)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    yield page, console
    context.close()


def violations(page, console):
    return page.evaluate("window.__csp") + console


def test_search_as_you_type_and_desk_suggestions_work_under_the_policy(watched, live_server, transactional_db):
    page, console = watched
    directory_import(actor=None, payload=DIRECTORY)
    UserFactory(email="member@e2e.example")
    UserFactory(email="staff@e2e.example", staff=True)

    response = page.goto(live_server.url + "/directory/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    page.fill("#q", "lymphocytes")
    page.wait_for_url("**q=lymphocytes*")
    page.wait_for_function("() => document.querySelectorAll('#results .result-name').length > 0")
    assert "Laboratoire d'immunologie" in page.locator("#results").inner_text()
    # htmx did not inject its indicator <style> (refused under the policy): the rule comes from guichet.css.
    assert page.evaluate("document.querySelectorAll('head style').length") == 0
    assert violations(page, console) == []

    page.goto(live_server.url + "/desk/")
    page.fill("#id_text", "Nous cherchons un tri cellulaire de lymphocytes T de patients")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#suggestions .s-name'))"
        ".some(e => e.textContent.trim() === 'Cell sorting')")
    assert violations(page, console) == []

    pages = {
        "member": ("/", "/platforms/", "/programmes/", "/bookings/mine/", "/antibodies/", "/accounts/profile/",
                   "/impact/public/", "/api/v1/docs"),
        # The staff pages with charts (SVG), the print button, and Django's admin.
        "staff": ("/impact/", "/bookings/statements/", "/staff/audit/", "/directory/import/", "/admin/",
                  "/admin/directory/organization/", "/admin/directory/organization/add/"),
    }
    for who, paths in pages.items():
        page.context.clear_cookies()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", f"{who}@e2e.example")
        page.fill("#id_password", "correct-horse-battery")
        page.click("main button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert violations(page, console) == [], path

    # The statement's print button (was an inline onclick) works from static/js/guichet.js.
    page.goto(live_server.url + "/bookings/statements/")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.click("[data-print]")
    assert page.evaluate("() => window.__printed === true")
    assert violations(page, console) == []
