import os

import pytest

from ..factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")  # its event loop stops after each module: later tests may use async_to_sync
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian chromium is required at {CHROMIUM} (make test installs it)")
    # Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls are still
    # synchronous and safe, so Django's async guard is lifted while the browser runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def login(browser, live_server, email, *, timeout=15000, **options):
    """A new French browser context (`options`: viewport, downloads...) logged in as `email`, whose password is
    the tests' one, on the home page; returns its page."""
    context = browser.new_context(locale="fr-FR", **options)
    page = context.new_page()
    page.set_default_timeout(timeout)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page
