"""Screenshots of the demo for the README: `python docs/screenshots.py` while `make demo` serves on :8000."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).with_name("img")
SHOTS = [("home-fr", "/", "fr-FR"), ("directory-search-fr", "/directory/?q=cytometrie", "fr-FR"),
         ("organization-fr", "/directory/o/ciml/", "fr-FR"), ("platform-en", "/platforms/exemple.cyto/", "en")]

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    for name, path, locale in SHOTS:
        context = browser.new_context(locale=locale, viewport={"width": 1200, "height": 800})
        page = context.new_page()
        if locale == "en":
            page.goto(BASE + "/")
            page.click("button[name=language][value=en]")
        page.goto(BASE + path)
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
        context.close()
    browser.close()
