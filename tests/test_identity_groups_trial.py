"""Issue 12's new-user trial (identity and groups): the team page on a phone and for a plain member, the single
sign-on pages a failed or cancelled sign-in lands on, allauth's pages outside Guichet's journeys, sign-out by
GET, README on the demo's identity provider, a start-up's team, a second join request, a booking's approval
checked against its project, and memberships in the privacy export and erasure."""

import html
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation

from guichet.accounts.models import Role
from guichet.bookings import services as booking_services
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent
from guichet.directory.models import Organization
from guichet.groups import services as group_services
from guichet.groups.models import GroupMembership, Project, ResearchGroup
from guichet.privacy import services as privacy_services

from .conftest import ROOT, make_user
from .test_groups import at, book, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
FR, EN = {"HTTP_ACCEPT_LANGUAGE": "fr"}, {"HTTP_ACCEPT_LANGUAGE": "en"}


def text_of(response) -> str:
    """The page's visible words, white space squeezed (no-break spaces kept)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


class Tables(HTMLParser):
    """Each <table> with whether it sits inside a <div class="table-wrap">."""

    def __init__(self):
        super().__init__()
        self.stack, self.tables = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append((dict(attrs).get("id"), any("table-wrap" in c for c in self.stack)))
        if tag == "div":
            self.stack.append(dict(attrs).get("class") or "")

    def handle_endtag(self, tag):
        if tag == "div" and self.stack:
            self.stack.pop()


# --- 1. the team page's tables scroll inside their box -----------------------------------------------------

def test_the_team_pages_tables_sit_in_the_scroll_box(world, client):  # noqa: F811
    client.force_login(world["head"])
    parser = Tables()
    parser.feed(client.get("/groups/tcell-lab/", **EN).content.decode())
    assert parser.tables == [("members", True), ("projects", True)]


# --- 2. a failed or cancelled single sign-on lands on Guichet's page, with the way back ---------------------

@pytest.mark.parametrize(("headers", "title", "words"), [
    (FR, "La connexion unique n’a pas abouti", "Le fournisseur d’identité de votre établissement"),
    (EN, "Single sign-on did not complete", "Your institution's identity provider did not sign you in"),
])
def test_a_failed_single_sign_on_says_so_in_guichets_words_and_leads_back(client, headers, title, words):
    response = client.get("/accounts/sso/3rdparty/login/error/", **headers)
    assert response.status_code == 401  # allauth's status: the sign-in did not happen
    text = text_of(response)
    assert title in text and words in text
    assert "réseau social" not in text and "social network" not in text.lower() and "Third-Party" not in text
    assert 'href="/accounts/login/"' in response.content.decode()
    assert 'class="site-header"' in response.content.decode() or "<header" in response.content.decode()


@pytest.mark.parametrize(("headers", "title"), [(FR, "Connexion unique annulée"), (EN, "Single sign-on cancelled")])
def test_a_cancelled_single_sign_on_says_nothing_changed_and_leads_back(client, headers, title):
    response = client.get("/accounts/sso/3rdparty/login/cancelled/", **headers)
    text = text_of(response)
    assert response.status_code == 200 and title in text
    assert "Login Cancelled" not in text and "Connexion annulée" not in text
    assert 'href="/accounts/login/"' in response.content.decode()


# --- 3. allauth's pages outside Guichet's journeys -----------------------------------------------------------

def test_the_third_party_accounts_page_is_not_offered(world, client):  # noqa: F811
    # Accounts link by a verified address (signon/adapters.py), never by hand: no page lists or unlinks them.
    client.force_login(world["member"])
    assert client.get("/accounts/sso/3rdparty/", **EN).status_code == 404


@pytest.mark.parametrize(("headers", "title", "words"), [
    (FR, "Compte désactivé", "votre compte Guichet est désactivé"),
    (EN, "Account deactivated", "your Guichet account is deactivated"),
])
def test_the_inactive_account_page_says_what_happened_in_guichets_words(client, headers, title, words):
    # Where allauth sends a sign-in through an identity provider that reaches a deactivated account.
    response = client.get("/accounts/sso/inactive/", **headers)
    text = text_of(response)
    assert response.status_code == 200 and title in text and words in text
    assert "This account is inactive" not in text and 'href="/accounts/login/"' in response.content.decode()


# --- 4. sign-out by GET: a page that asks, with the button that posts --------------------------------------

@pytest.mark.parametrize("path", ["/accounts/sso/logout/", "/accounts/logout/"])
def test_signing_out_by_get_asks_to_confirm_with_a_post_button(world, client, path):  # noqa: F811
    client.force_login(world["member"])
    response = client.get(path, **FR)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vous êtes connecté à Guichet en tant que member@lab.example" in text_of(response)
    assert re.search(r'<form method="post" action="/accounts/logout/">.*?<button type="submit">Se déconnecter</button>',
                     page, re.S)
    assert client.get("/accounts/me/").status_code == 200  # the GET signed nobody out
    assert client.post(path).status_code == 302
    assert client.get("/accounts/me/").status_code == 302  # the POST did


def test_signing_out_by_get_when_signed_out_offers_to_log_in(client):
    response = client.get("/accounts/sso/logout/", **EN)
    assert response.status_code == 200 and "You are not signed in." in text_of(response)


# --- 5. README tells the truth about the demo's identity provider -------------------------------------------

def test_readme_says_the_demos_example_provider_is_on_the_login_page(client):
    from django.conf import settings

    from guichet.accounts.models import User
    from guichet.signon.demo import DEMO_OIDC
    from guichet.signon.services import oidc_provider_save

    readme = (ROOT / "README.md").read_text()
    assert "hidden from the login page" not in readme
    said = readme[readme.index("an example OpenID Connect identity provider"):][:1200]
    assert "signon/demo.py" in said and "localhost:9000" in said and "shown on the login page" in said
    # One address, stated once: the setting, which the demo registers and `make demo-idp` serves.
    assert "GUICHET_DEMO_OIDC_ISSUER" in said and "make demo-idp" in said and said.count("localhost:9000") == 1
    staff = User.objects.create_user("staff@demo.example", "x", role=Role.STAFF)
    oidc_provider_save(actor=staff, organization=None, trust_email=False,  # as the demo does
                       issuer=settings.GUICHET_DEMO_OIDC_ISSUER, **DEMO_OIDC)
    assert DEMO_OIDC["name"] in client.get("/accounts/login/", **FR).content.decode()


# --- 6. a plain member is told who the heads are and what they may do ---------------------------------------

def test_a_plain_member_is_told_who_the_head_is_and_what_they_may_do(world, client):  # noqa: F811
    client.force_login(world["member"])
    text = text_of(client.get("/groups/tcell-lab/", **FR))
    assert "Vous êtes membre de T cell lab. Son responsable, Head, accepte qui le rejoint" in text
    assert "Vous pouvez imputer ses projets" in text  # the fixture's member may charge
    GroupMembership.objects.filter(user=world["member"]).update(may_charge=False)
    text = text_of(client.get("/groups/tcell-lab/", **EN))
    assert "You are a member of T cell lab. Its head, Head, approves who joins" in text
    assert "You may not charge its projects yet: ask a head to allow you." in text
    client.force_login(world["head"])  # a head manages: no hint
    assert 'id="member-hint"' not in client.get("/groups/tcell-lab/", **EN).content.decode()


# --- 7. a start-up's team, a second join request ---------------------------------------------------------

def test_a_start_ups_group_is_called_a_team_not_a_lab(world, client):  # noqa: F811
    startup = Organization.objects.create(key="vhh", name="VHH Therapeutics", kind="startup")
    founder = make_user("founder@vhh.example", Role.MEMBER)
    rd = ResearchGroup.objects.create(key="vhh-rd", name="VHH R&D", organization=startup)  # kind: the default, lab
    GroupMembership.objects.create(group=rd, user=founder, role="head", status="active")
    client.force_login(founder)
    text = text_of(client.get("/groups/vhh-rd/", **FR))
    assert "Équipe · VHH Therapeutics" in text and "Laboratoire" not in text
    with translation.override("en"):
        assert world["group"].kind_label == "Lab"  # an institute's lab stays a lab


def test_a_second_join_request_says_it_is_already_waiting(world, client):  # noqa: F811
    client.force_login(world["newcomer"])
    client.post("/groups/tcell-lab/join/", **EN)
    response = client.post("/groups/tcell-lab/join/", follow=True, **EN)
    text = text_of(response)
    assert "Your request to join T cell lab is already waiting for its heads' approval" in text
    assert GroupMembership.objects.filter(user=world["newcomer"]).count() == 1
    client.force_login(world["member"])
    response = client.post("/groups/tcell-lab/join/", follow=True, **EN)
    assert "You already belong to T cell lab." in text_of(response)


# --- 8. approving a booking checks its project again --------------------------------------------------------

@pytest.fixture
def approval(world):  # noqa: F811
    world["sorter"].approval_required = True
    world["sorter"].save()
    manager = make_user("manager@host.example", Role.PLATFORM_MANAGER)
    world["cyto"].managers.add(manager)
    booking = book(world, "member", at(1, 10), hours=2, project=world["grant"])  # 2 h × 50 € = 100 €
    assert booking.status == Booking.Status.REQUESTED
    return {**world, "manager": manager, "booking": booking}


def test_approving_a_booking_whose_project_ended_meanwhile_is_refused(approval):
    Project.objects.filter(pk=approval["grant"].pk).update(ends_on=timezone.localdate())  # ended before the slot
    with pytest.raises(booking_services.BookingError) as caught:
        booking_services.booking_decide(actor=approval["manager"], booking=approval["booking"], approve=True)
    assert caught.value.field == "project" and "ANR T cell" in str(caught.value)
    assert Booking.objects.get(pk=approval["booking"].pk).status == Booking.Status.REQUESTED
    assert not AuditEvent.objects.filter(action="booking.confirmed").exists()


def test_approving_a_booking_whose_project_was_spent_meanwhile_is_refused_on_the_page(approval, client):
    book(approval, "head", at(2, 10), hours=8, project=approval["grant"])  # 400 € more: 500 € held of 500 €
    Project.objects.filter(pk=approval["grant"].pk).update(budget=Decimal("450.00"))  # narrowed by staff since
    client.force_login(approval["manager"])
    response = client.post(f"/bookings/{approval['booking'].pk}/decide/", {"approve": "1"}, follow=True, **EN)
    assert "The project ANR T cell has 50,00 € left; this is estimated at 100,00 €." in text_of(response) or \
        "The project ANR T cell has 50.00 € left; this is estimated at 100.00 €." in text_of(response)
    assert Booking.objects.get(pk=approval["booking"].pk).status == Booking.Status.REQUESTED


def test_approving_a_booking_its_project_still_pays_for_counts_it_once(approval):
    # Exactly the booking's own 100 € left: what it already holds is not counted twice.
    Project.objects.filter(pk=approval["grant"].pk).update(budget=Decimal("100.00"))
    done = booking_services.booking_decide(actor=approval["manager"], booking=approval["booking"], approve=True)
    assert done.status == Booking.Status.CONFIRMED


# --- 9. memberships and join requests in the privacy export and erasure ------------------------------------

def test_memberships_and_join_requests_are_exported_and_erased(world, client):  # noqa: F811
    second = ResearchGroup.objects.create(key="b-team", name="B team", organization=world["lab_org"], kind="team",
                                          parent=world["group"])
    GroupMembership.objects.create(group=second, user=world["head"], role="head", status="active")
    group_services.membership_request(actor=world["member"], group=second)
    booking = book(world, "member", at(1, 10), project=world["grant"])

    data = privacy_services.person_export(actor=world["member"], person=world["member"])["parts"]["groups"]
    assert [(m["group"], m["status"]) for m in data["memberships"]] == [("tcell-lab", "active")]
    assert [(m["group"], m["status"]) for m in data["join_requests"]] == [("b-team", "pending")]

    done = privacy_services.person_erase(actor=world["staff"], person=world["member"])
    assert done["groups"] == {"memberships": 1, "join_requests": 1}
    assert not GroupMembership.objects.filter(user=world["member"]).exists()
    assert GroupMembership.objects.filter(user=world["head"]).count() == 2  # the others' rows stay
    assert Booking.objects.get(pk=booking.pk).project == world["grant"]  # the project's figures stay
    after = privacy_services.person_export(actor=world["member"], person=world["member"])["parts"]["groups"]
    assert after == {"memberships": [], "join_requests": []}
    # The privacy page says so, in both languages.
    assert "Labs and teams: the groups you belong or belonged to" in text_of(client.get("/privacy/", **EN))
    assert "Laboratoires et équipes\u00a0: les groupes dont vous êtes" in text_of(client.get("/privacy/", **FR))


def test_the_export_names_the_project_each_booking_was_charged_to(world):  # noqa: F811
    charged = book(world, "member", at(1, 10), hours=1, project=world["grant"])
    data = privacy_services.person_export(actor=world["member"], person=world["member"])["parts"]["bookings"]
    [row] = [b for b in data["bookings"] if b["id"] == charged.pk]
    assert row["project"] == world["grant"].key
    assert all("project" in o for o in data["service_orders"])


def test_approving_on_the_page_says_which_decision_in_the_platforms_time(approval, client):
    client.force_login(approval["manager"])
    response = client.post(f"/bookings/{approval['booking'].pk}/decide/", {"approve": "1"}, follow=True, **EN)
    local = timezone.localtime(approval["booking"].start)
    assert f"Booking approved: {approval['sorter']} {local:%Y-%m-%d %H:%M}." in text_of(response)
    assert local.utcoffset()   # Paris, not UTC: the label said UTC before
    event = AuditEvent.objects.filter(action="booking.confirmed").get()
    assert f"{local:%H:%M}" in event.entity_label
