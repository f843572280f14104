"""Issue 15, leftovers: an empty list says so in words that agree with what it lists ("Aucun jalon", never the one
"Aucune." shared by every list of the page, which read « Jalons — Aucune. »)."""

from datetime import date

import pytest

from guichet.accounts.models import Role
from guichet.directory.models import Organization
from guichet.programmes.models import Programme
from guichet.startups.models import Startup

from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def startup():
    org = Organization.objects.create(key="acme-bio", name="Acme Bio", kind="startup")
    startup = Startup.objects.create(organization=org, founded_on=date(2021, 5, 1), origin="lab_spinoff")
    startup.founders.add(make_user("founder@e.example", Role.MEMBER))
    return startup


def _empty_items(page: str) -> list[str]:
    return [part.split("</li>")[0] for part in page.split('<li class="muted"')[1:]]


@pytest.mark.parametrize("language, said", [
    ("fr", ["Aucune levée de fonds pour l’instant.", "Aucun effectif déclaré pour l’instant.",
            "Aucun jalon pour l’instant."]),
    ("en", ["No funding round yet.", "No headcount declared yet.", "No milestone yet."])])
def test_each_empty_list_of_a_start_up_says_what_it_lacks(client, startup, language, said):
    client.force_login(startup.founders.get())
    page = client.get("/startups/acme-bio/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert [item.split(">", 1)[1] for item in _empty_items(page)] == said
    assert "Aucune.<" not in page and "None.<" not in page


@pytest.mark.parametrize("language, milestones, indications, programmes", [
    ("fr", "Aucun jalon pour l’instant.", "Aucune indication pour l’instant.", "Aucun programme."),
    ("en", "No milestone yet.", "No indication yet.", "No programme.")])
def test_a_programmes_empty_lists_agree_with_what_they_list(client, staff, language, milestones, indications,
                                                            programmes):
    client.force_login(staff)
    listing = client.get("/programmes/all/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert programmes in listing and "Aucune.<" not in listing
    owner = Organization.objects.create(key="ab-co", name="AbCo", kind="startup")
    Programme.objects.create(code="AB-9", name="Abnine", owner=owner, target="X", format="monoclonal",
                             visibility="public")
    page = client.get("/programmes/AB-9/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<p class="muted" id="no-milestones">{milestones}</p>' in page   # no heading before, then "Aucune."
    assert indications in page and "Aucune.<" not in page
