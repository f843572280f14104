"""An invention disclosure is seen by its inventors and its office's staff only: not by another office, the
cluster team, administrators, other members, guests or visitors — in pages, API, search, exports, e-mails
and matching results. One test per role, through every door (as tests/test_desk_confidentiality.py)."""

from datetime import date

import pytest
from django.core import mail
from django.db import transaction

from guichet.accounts.services import api_token_create
from guichet.directory.models import Organization
from guichet.transfer import services
from guichet.transfer.models import Office, TechnologyOffer

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
MARKER = "Zorblax"  # never typed in a search, so a page echoing the query cannot fake a leak
SECRET_TITLE = f"{MARKER} bispecific antibody against the lupus interferon pathway"
SECRET_TEXT = "A confidential construct, Quibbleform-9, that blocks the receptor in lupus nephritis."


def org(key, name, kind="support"):
    from guichet.directory.search import index_records

    with transaction.atomic():
        o = Organization.objects.create(key=key, name=name, kind=kind, lang="fr")
        index_records([o])
    return o


@pytest.fixture
def world(db, django_capture_on_commit_callbacks, member, staff, admin, outsider, manager, guest):
    """The cast (the member is the inventor), and the people only technology transfer tells apart."""
    office = Office.objects.create(organization=org("ex-tto", "Office de transfert exemple (fictif)"))
    other = Office.objects.create(organization=org("ex-tto2", "Autre office exemple (fictif)"))
    people = {"inventor": member, "staff": staff, "admin": admin, "outsider": outsider, "manager": manager,
              "guest": guest, "coinventor": UserFactory(email="coinventor@tt.example"),
              "office": UserFactory(email="officer@tt.example"),
              "other_office": UserFactory(email="other-officer@tt.example")}
    people["office"].language = "en"
    people["office"].save()
    MembershipFactory(user=people["office"], organization=office.organization)
    MembershipFactory(user=people["other_office"], organization=other.organization)
    TechnologyOffer.objects.create(office=office, title="Lupus interferon antibody for licensing",
                                   summary="A public summary: an antibody for lupus, available for licence.",
                                   published_on=date(2026, 1, 5))
    from guichet.desk.services import request_submit

    with django_capture_on_commit_callbacks(execute=True):
        disclosure = services.disclosure_submit(actor=people["inventor"], office=office, title=SECRET_TITLE,
                                                summary=SECRET_TEXT, co_inventors=["coinventor@tt.example"])
        services.disclosure_status_set(actor=people["office"], disclosure=disclosure, status="evaluation")
        need = request_submit(actor=people["outsider"], text="We need an antibody against interferon in lupus "
                                                             "for a licence")
    return {"d": disclosure, "people": people, "need": need}


def doors(client, world, token=None):
    d, need = world["d"], world["need"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    pages = {
        "disclosure page": client.get(f"/transfer/disclosures/{d.pk}/"),
        "disclosures list": client.get("/transfer/disclosures/"),
        "csv export": client.get("/transfer/disclosures/export.csv"),
        "office page": client.get("/transfer/office/"),
        "offers page": client.get("/transfer/offers/"),
        "offers api": client.get("/api/v1/transfer/offers", {"q": "lupus interferon antibody Quibbleform"}),
        "desk request page": client.get(f"/desk/requests/{need.pk}/"),
        "directory search": client.get("/directory/", {"q": "lupus interferon"}),
        "matching api": client.get("/api/v1/match", {"q": "bispecific antibody lupus interferon pathway"}),
        "desk suggestions": client.get("/desk/suggest/", {"text": "bispecific antibody lupus interferon"}),
        "api list": client.get("/api/v1/transfer/disclosures", **auth),
        "api detail": client.get(f"/api/v1/transfer/disclosures/{d.pk}", **auth),
        "audit log": client.get("/staff/audit/"),
        "admin": client.get("/admin/transfer/"),
    }
    out = {}
    for door, response in pages.items():
        body = (b"".join(response.streaming_content) if hasattr(response, "streaming_content")
                else response.content).decode()
        out[door] = (response.status_code, body)
    return out


def leaked(result):
    return sorted(door for door, (_s, body) in result.items() if MARKER in body or "Quibbleform" in body)


@pytest.mark.parametrize("role", ["other_office", "staff", "admin", "outsider", "manager", "guest"])
def test_nobody_else_sees_it(client, world, role):
    user = world["people"][role]
    client.force_login(user)
    _t, raw = api_token_create(actor=user, name="t")
    result = doors(client, world, token=raw)
    assert leaked(result) == []
    assert result["disclosure page"][0] == 404 and result["api detail"][0] == 404
    assert result["api list"] == (200, "[]")


def test_anonymous_sees_nothing(client, world):
    result = doors(client, world)
    assert leaked(result) == []
    assert result["disclosure page"][0] == 302 and result["api detail"][0] == 401


@pytest.mark.parametrize("role", ["inventor", "coinventor", "office"])
def test_inventors_and_office_see_it(client, world, role):
    user = world["people"][role]
    client.force_login(user)
    _t, raw = api_token_create(actor=user, name="t")
    result = doors(client, world, token=raw)
    for door in ("disclosure page", "disclosures list", "csv export", "api list", "api detail"):
        assert result[door][0] == 200 and MARKER in result[door][1], door
    # Never in the public offers, the directory, its search, the matching engine or the desk, whoever asks.
    assert {"offers page", "offers api", "desk request page", "directory search", "matching api",
            "desk suggestions", "audit log", "admin"}.isdisjoint(leaked(result))
    assert (result["office page"][0] == 200) == (role == "office")


def test_e_mails_reach_only_inventors_and_the_office(world):
    allowed = {world["people"][r].email for r in ("inventor", "coinventor", "office")}
    carrying = [m for m in mail.outbox if MARKER in m.subject + m.body or "Quibbleform" in m.body]
    assert carrying, "the office and the co-inventor are told"
    assert {a for m in carrying for a in m.to} <= allowed
    to_office = [m for m in carrying if m.to == ["officer@tt.example"]]
    assert to_office and "received the invention disclosure" in to_office[0].body  # in the officer's English
    to_coinventor = [m for m in carrying if m.to == ["coinventor@tt.example"]]
    assert to_coinventor and "co-inventeur" in to_coinventor[0].body  # in French, the default


def test_the_offer_is_proposed_to_the_need_and_the_request_is_counted(client, world,
                                                                      django_capture_on_commit_callbacks):
    need, people = world["need"], world["people"]
    client.force_login(people["outsider"])
    page = client.get(f"/desk/requests/{need.pk}/").content.decode()
    assert "Lupus interferon antibody for licensing" in page
    found = client.get("/api/v1/transfer/offers", {"q": need.text}, HTTP_ACCEPT_LANGUAGE="en").json()
    reasons = found[0]["reasons"]
    assert "lupus" in reasons and not any(r.startswith("^") for r in reasons)  # labels, never concept codes
    offer = TechnologyOffer.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/transfer/offers/{offer.pk}/ask/", {"desk_request": need.pk, "message": "Terms?"})
    assert response.status_code == 302 and offer.requests.get().desk_request == need
    assert [m.to for m in mail.outbox] == [["officer@tt.example"]] and "Terms?" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/transfer/offers/{offer.pk}/ask/", {"message": "Again"}, HTTP_ACCEPT_LANGUAGE="en",
                            follow=True)
    assert offer.requests.count() == 1 and len(mail.outbox) == 1
    # The refusal is said, as the service words it, on the offer's page (no "sent" with it).
    said = [(m.level_tag, str(m)) for m in again.context["messages"]]
    assert said[-1] == ("error", "You have already asked about this offer; the office will answer you.")
    assert [level for level, _text in said].count("success") == 1  # the first question's, never this one's
    assert again.redirect_chain[-1][0] == offer.get_absolute_url()


def test_co_inventor_without_account_is_refused_and_nothing_written(world):
    from guichet.transfer.models import InventionDisclosure

    before = InventionDisclosure.objects.count()
    with pytest.raises(services.TransferError) as err:
        services.disclosure_submit(actor=world["people"]["inventor"], office=world["d"].office, title="X",
                                   summary="Y", co_inventors=["nobody@tt.example"])
    assert err.value.field == "co_inventors" and InventionDisclosure.objects.count() == before


def test_the_personal_data_export_holds_the_disclosure_for_its_inventors_only(world):
    import json

    from guichet.privacy.services import person_export

    for role, expected in (("inventor", True), ("coinventor", True), ("office", False), ("outsider", False)):
        user = world["people"][role]
        text = json.dumps(person_export(actor=user, person=user)["parts"]["transfer"])
        assert (MARKER in text) is expected, role
