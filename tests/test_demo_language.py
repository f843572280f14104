"""Issue 15: the demo read in either language. People are named by names (the same in French and English), roles
by their translated labels, dates by the locale (English day-month-year on a 24-hour clock, as the French pages),
and a platform's usage report titled as a reader would write it."""

import ast
import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

from guichet.accounts.models import Role, User

from .conftest import logged_in, make_user

pytestmark = pytest.mark.django_db

ROLE_WORDS = ("admin", "staff", "manager", "member", "founder", "demo", "démo", "fictif", "valorisation")


def test_demo_accounts_are_named_by_names_not_by_english_roles():
    from io import StringIO

    call_command("loaddemo", stdout=StringIO())
    names = dict(User.objects.filter(email__endswith="@demo.guichet.example").values_list("email", "full_name"))
    people = {email: name for email, name in names.items() if not name.startswith("Site ")}  # clinical sites
    assert len(people) == 7  # the six roles and the post-doc charging one platform only (groups.demo)
    for email, name in people.items():
        assert not any(word in name.lower() for word in ROLE_WORDS), (email, name)  # "Platform manager (demo)"


def test_reloading_the_demo_renames_accounts_named_by_an_earlier_demo():
    from io import StringIO

    User.objects.create_user("manager@demo.guichet.example", "x", full_name="Platform manager (demo)",
                             role=Role.PLATFORM_MANAGER)
    call_command("loaddemo", stdout=StringIO())
    assert "manager" not in User.objects.get(email="manager@demo.guichet.example").full_name.lower()


def test_english_dates_read_day_month_year_on_a_24_hour_clock():
    moment = datetime.datetime(2026, 12, 2, 17, 23)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "02/12/2026"  # 12/02/2026 before (US)
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "02/12/2026 17:23"  # "5:23 p.m."
        assert formats.date_format(moment, "DATE_FORMAT") == "2 December 2026"  # "Dec. 2, 2026"
        assert "%d/%m/%Y" in formats.get_format("DATE_INPUT_FORMATS")  # read back as shown
        assert "%m/%d/%Y" not in formats.get_format("DATE_INPUT_FORMATS")
    with translation.override("fr"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "02/12/2026 17:23"


def test_an_english_page_shows_day_month_year(client, staff):
    from guichet.core.models import AuditEvent

    AuditEvent.objects.create(at=datetime.datetime(2026, 3, 4, 16, 5, tzinfo=datetime.UTC), actor_label="system",
                              action="month.close", entity_type="month", entity_key="2026-11", changes={})
    logged_in(client, staff)
    body = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "04/03/2026 17:05" in body  # Paris time, day first; "03/04/2026 5:05 p.m." before


@pytest.fixture
def platform(db):
    from guichet.directory.models import Organization
    from guichet.platforms.models import Platform

    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Plateforme de cytométrie", organization=org)
    manager = make_user("manager@u.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    return platform, manager


@pytest.mark.parametrize(("language", "title", "heading"), [
    ("fr", "Plateforme de cytométrie\u00a0: utilisation — Guichet",
     "Plateforme de cytométrie\u00a0: utilisation en mars 2027"),
    ("en", "Plateforme de cytométrie: usage — Guichet", "Plateforme de cytométrie: usage in March 2027"),
])
def test_the_usage_report_is_titled_as_a_reader_writes_it(client, platform, language, title, heading):
    logged_in(client, platform[1])
    body = client.get(reverse("bookings:usage", args=["cyto"]) + "?month=2027-03",
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<title>{title}</title>" in body
    assert f"<h1>{heading}</h1>" in body
    assert "Utilisation de Plateforme" not in body and "Usage of Plateforme" not in body


FRENCH = re.compile(r"[éèàçù]|\b(le|la|les|des|du|une|et|sous)\b")


def test_the_demo_s_french_texts_follow_french_typography():
    # The trial of issue 15 read "Lot de démonstration : trastuzumab…" with a space that may start a line.
    from .conftest import ROOT
    from .test_french_typography import typography_faults

    faults = []
    for path in sorted((ROOT / "src" / "guichet").glob("*/demo.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if FRENCH.search(text) and typography_faults(text):
                faults.append(f"{path.parent.name}/demo.py:{node.lineno}: {text[:60]}")
    assert faults == []
