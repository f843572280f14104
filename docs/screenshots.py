"""Screenshots of the demo for the README: `python docs/screenshots.py` while `make demo` serves on :8000."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).with_name("img")
PASSWORD = "guichet-demo-2026"
SHOTS = [("home-fr", "/", "fr-FR", None), ("directory-search-fr", "/directory/?q=cytometrie", "fr-FR", None),
         ("organization-fr", "/directory/o/ciml/", "fr-FR", None),
         ("platform-en", "/platforms/exemple.cyto/", "en", None),
         ("desk-inbox-en", "/desk/requests/", "en", "staff@demo.guichet.example")]


def new_page(browser, locale, email):
    context = browser.new_context(locale=locale, viewport={"width": 1200, "height": 800})
    page = context.new_page()
    if email:
        page.goto(BASE + "/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
    if locale == "en":
        page.goto(BASE + "/")
        page.click("button[name=language][value=en]")
    return context, page


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    for name, path, locale, email in SHOTS:
        context, page = new_page(browser, locale, email)
        page.goto(BASE + path)
        page.screenshot(path=str(OUT / f"{name}.png"))
        context.close()
    context, page = new_page(browser, "fr-FR", "member@demo.guichet.example")
    page.goto(BASE + "/desk/")
    page.fill("#id_text", "Nous cherchons à trier des lymphocytes T CD8 de patients")
    page.wait_for_selector("#suggestions .s-name")
    page.screenshot(path=str(OUT / "desk-new-fr.png"))
    context.close()
    browser.close()
