"""Every page a role may open is linked from somewhere that role sees, starting from the home page.

The world is the permission matrix's; a crawler follows the links of each page as each role, and the pages
the matrix says the role may open (HTML pages, not files, feeds or API) must all be reached.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from .test_permissions import MATRIX, ROLES, bookings_sample, events_sample, impact_sample

# Reached by other means than a link: files and feeds, e-mailed links, fragments loaded by htmx, the API, and
# the pages a form lands on once sent (password_reset_done...).
NOT_PAGES = re.compile(r"^(api-1:|admin:(?!index$))|(export|_csv|_xlsx|_json|_pdf|:feed|attachment|:document)"
                       r"|^(desk:follow|desk:confirm|desk:suggest|desk:reach|set_language|health|metrics)$|_(done|complete|confirm)$|progress$"
                       # --- events --- e-mailed links (ticket, confirmation), the QR code's page, calendars
                       r"|^(events:(ticket|confirm|checkin|certificate|ticket_ics|ics)|partnering:ics)$"
                       # --- operations (issue 9) --- the worker's status, for monitoring like /health/
                       r"|^health_worker$|^impact:report_file$"  # --- impact --- the drawn report (a file)
                       # --- declaration campaigns --- evidence files (linked from the declaration's page)
                       r"|^declarations:evidence$"
                       # --- facility operations (issue 13) --- the QR code to print (an SVG file)
                       r"|^facility:kiosk_qr$"
                       # --- calls, talent --- the applicant's e-mailed page, a CV (a file)
                       r"|^talent:(application|cv)$"
                       # --- single sign-on (issue 12) --- allauth's pages inside a sign-in (inactive account,
                       # sign-in cancelled, password asked again)
                       r"|^(account_inactive|account_reauthenticate|socialaccount_login_cancelled"
                       r"|mfa_reauthenticate)$"
                       # --- identity and groups, new-user trial (issue 12) --- the sign-out's confirmation, for a
                       # typed or bookmarked address (the menu's button posts)
                       r"|^(accounts:logout|account_logout)$")
SKIP_PATH = re.compile(r"^/(api/|admin/.+|i18n/|static/|media/)|\.(csv|xlsx|json|pdf|ics)$")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def crawl(client, limit=600):
    return {resolve(urlsplit(url).path).view_name for url, _html in crawl_pages(client, limit)}


def crawl_pages(client, limit=600):
    """(url, html) of every HTML page reached by following links from the home page."""
    seen, queue = set(), ["/"]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        # A link that leads to a server error is a broken page for whoever follows it.
        assert response.status_code < 500, f"{url} answers {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        yield url, html
        parser = Links()
        parser.feed(html)
        for href in parser.hrefs:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP_PATH.search(parts.path):
                continue
            try:
                resolve(parts.path)
            except Resolver404:
                continue
            # Query strings are followed once per path (pagination and filters would never end).
            key = parts.path if not parts.query else f"{parts.path}?{parts.query}"
            if key not in seen and not any(s.startswith(parts.path + "?") for s in seen if parts.query):
                queue.append(key)


# Slow: a crawl of every page a role may open (seconds per role); CI and `make test` run it.
@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_open_is_linked(client, role, small_directory, request, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.desk.services import request_submit
    from guichet.directory.services import import_batch_create

    from .conftest import load_example

    users = {r: request.getfixturevalue(f) for r, f in
             [("guest", "guest"), ("member", "member"), ("manager", "manager"), ("staff", "staff"),
              ("admin", "admin_user")]}
    import_batch_create(actor=users["staff"], filename="x.json", payload=load_example("valid-small.json"))
    settings.MEDIA_ROOT = tmp_path
    request_submit(actor=users["member"], text="Confidential need: cell sorting", confidential=True,
                   files=[SimpleUploadedFile("a.txt", b"attached")])
    bookings_sample(users)
    events_sample(users)  # --- events ---
    impact_sample(users)  # --- impact: the PDF report as a job ---
    from .test_permissions import facility_sample  # --- facility operations (issue 13) ---

    facility_sample(users)
    if role != "anonymous":
        client.force_login(users[role])
    may_open = {name for name, statuses in MATRIX.items() if statuses[role] == 200 and not NOT_PAGES.search(name)}
    if role != "anonymous":
        may_open.discard("accounts:password_reset")  # signed in, one changes one's password instead
    reached = crawl(client)
    assert sorted(may_open - reached) == []
