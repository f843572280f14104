"""Issue 9, defect 4: figures nobody can inflate alone. A member's partnership counts once a contact of each
other party (or staff) confirms it; stages move in order only; parties are named once; values are bounded
and outliers listed for staff."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from guichet.accounts.models import Membership, Role
from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.partnerships import services
from guichet.partnerships.models import TRANSITIONS, Partnership, Stage

from .conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world(db):
    lab = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    pharma = Organization.objects.create(key="pharma", name="Pharma", kind="company")
    cro = Organization.objects.create(key="cro", name="CRO", kind="company")
    people = {"staff": make_user("staff@t.example", Role.STAFF)}
    for name, org, contact in [("recorder", lab, False), ("pharma_member", pharma, False),
                               ("pharma_contact", pharma, True), ("cro_contact", cro, True)]:
        people[name] = make_user(f"{name}@t.example", Role.MEMBER)
        Membership.objects.create(user=people[name], organization=org, is_contact=contact)
    return {"lab": lab, "pharma": pharma, "cro": cro, **people}


def signed_count(public=False):
    return kpis.compute(as_of=TODAY, public=public).values["partnerships_signed_total"]


def record(world, who="recorder", parties=("lab", "pharma"), stage="signed", value="120000"):
    return services.partnership_create(
        actor=world[who], title="Licence", type="licence", value_eur=Decimal(value), stage=stage,
        parties=[Organization.objects.get(key=k) for k in parties], on=TODAY - timedelta(days=30))


def test_the_transition_table():
    L, N, G, S, A, C, X = (Stage.LEAD, Stage.NDA, Stage.NEGOTIATION, Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED,
                           Stage.LOST)
    assert TRANSITIONS == {L: (N, G, S, A, C, X), N: (G, S, A, C, X), G: (S, A, C, X), S: (A, C, X), A: (C, X),
                           C: (), X: ()}


@pytest.mark.parametrize("path, refused", [
    (["signed", "lost", "active"], "active"),      # the example: no way back from lost
    (["signed", "negotiation"], "negotiation"),    # no going back
    (["lead", "completed", "active"], "active"),   # completed is final
    (["lead", "lead"], "lead"),                     # no standing still as a new step either
])
def test_stages_move_forward_only(world, path, refused):
    p = record(world, stage=path[0])
    for stage in path[1:-1]:
        services.partnership_move(actor=world["recorder"], partnership=p, stage=stage)
    with pytest.raises(services.PartnershipError) as caught:
        services.partnership_move(actor=world["recorder"], partnership=p, stage=refused)
    assert caught.value.field == "stage"
    assert p.stage_changes.count() == len(path) - 1


def test_stages_may_skip_forward_and_are_dated_in_order(world):
    p = record(world, stage="lead")
    services.partnership_move(actor=world["recorder"], partnership=p, stage="signed")
    with pytest.raises(services.PartnershipError) as caught:
        services.partnership_move(actor=world["recorder"], partnership=p, stage="active",
                                  on=TODAY - timedelta(days=60))
    assert caught.value.field == "on"
    with pytest.raises(services.PartnershipError):
        record(world, stage="lost")  # nobody records a partnership as lost from the start
    assert Partnership.objects.get().stage == "signed"


def test_a_members_record_counts_only_once_each_other_party_confirms(world, client):
    p = record(world, parties=("lab", "pharma", "cro"))
    assert not p.is_confirmed and signed_count() == 0 and signed_count(public=True) == 0
    # A member of pharma who is not its contact cannot confirm for it.
    with pytest.raises(services.PartnershipError):
        services.partnership_confirm(actor=world["pharma_member"], partnership=p)
    assert services.partnership_confirm(actor=world["pharma_contact"], partnership=p) is False
    assert signed_count() == 0  # CRO has still to confirm
    client.force_login(world["cro_contact"])
    page = client.get(f"/partnerships/{p.pk}/").content.decode()
    assert "Confirm this partnership" in page or "Confirmer ce partenariat" in page
    response = client.post(f"/partnerships/{p.pk}/", {"action": "confirm"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.is_confirmed and p.confirmed_by == world["cro_contact"]
    assert signed_count() == 1 and signed_count(public=True) == 1
    public = client.get("/api/v1/impact/public").json()
    assert {k["key"]: k["value"] for k in public}["partnerships_signed_total"] == 1


def test_the_recorder_cannot_confirm_their_own_record_for_the_others(world):
    p = record(world)
    with pytest.raises(services.PartnershipError):
        services.partnership_confirm(actor=world["recorder"], partnership=p)
    with pytest.raises(services.PartnershipError):  # a contact of an organization that is no party
        services.partnership_confirm(actor=world["cro_contact"], partnership=p)
    assert signed_count() == 0


def test_staff_records_and_confirmations_count_at_once(world):
    record(world, who="staff")
    assert signed_count() == 1
    p = record(world)
    services.partnership_confirm(actor=world["staff"], partnership=p)
    assert signed_count() == 2


def test_parties_are_named_once(world, client):
    with pytest.raises(services.PartnershipError) as caught:
        record(world, parties=("lab", "lab"))
    assert caught.value.field == "parties"
    client.force_login(world["recorder"])
    response = client.post("/partnerships/", {"title": "Twice", "type": "licence", "parties": "lab; lab",
                                              "value_eur": "10", "stage": "lead", "on": TODAY.isoformat()})
    assert response.status_code == 200 and "parties" in response.context["form"].errors
    assert not Partnership.objects.exists()


def test_staff_see_what_to_check_unconfirmed_and_outliers(world, client):
    pending = record(world, value="1000")
    outlier = record(world, who="staff", value="60000000")
    normal = record(world, who="staff", value="1000")
    normal.title = "Ordinary"
    normal.save()
    client.force_login(world["staff"])
    page = client.get("/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page.split('id="partnerships-to-check"')[1].split("</section>")[0]
    assert f"/partnerships/{pending.pk}/" in section and f"/partnerships/{outlier.pk}/" in section
    assert f"/partnerships/{normal.pk}/" not in section
    assert "awaiting confirmation" in section and "value to check" in section
    detail = client.get(f"/partnerships/{outlier.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="outlier"' in detail
    board = client.get("/partnerships/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "value to check" in board


def test_the_detail_page_offers_only_the_allowed_next_stages(world, client):
    p = record(world, stage="signed")
    client.force_login(world["recorder"])
    page = client.get(f"/partnerships/{p.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    select = page.split('name="stage"')[1].split("</select>")[0]
    assert 'value="active"' in select and 'value="lost"' in select and 'value="lead"' not in select
    response = client.post(f"/partnerships/{p.pk}/", {"stage": "lead"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "moves to" in response.content.decode()
    assert Partnership.objects.get().stage == "signed"


def test_admin_confirms_through_the_service(world, client):
    p = record(world)
    admin = make_user("admin@t.example", Role.ADMIN)
    client.force_login(admin)
    client.post("/admin/partnerships/partnership/", {"action": "confirm", "_selected_action": [p.pk]})
    p.refresh_from_db()
    assert p.is_confirmed and p.confirmed_by == admin
    assert date.today() >= p.confirmed_at.date() - timedelta(days=1)


def test_the_pipelines_workbook_keeps_stage_order_and_parties_once(world):
    from guichet.impact.pipelines_import import PipelinesRefused, import_pipelines

    from .test_pipelines_import import workbook

    header = ["title", "type", "value_eur", "parties"]
    with pytest.raises(PipelinesRefused) as caught:
        import_pipelines(actor=world["staff"], data=workbook(
            partnerships=[header, ["Licence", "licence", 10, "lab;pharma"]],
            partnership_stages=[["title", "stage", "on"], ["Licence", "signed", "2023-01-01"],
                                ["Licence", "lost", "2023-02-01"], ["Licence", "active", "2023-03-01"]]))
    assert [(e.sheet, e.row, e.field) for e in caught.value.errors] == [("partnership_stages", 4, "stage")]
    with pytest.raises(PipelinesRefused) as caught:
        import_pipelines(actor=world["staff"], data=workbook(partnerships=[header, ["Twice", "licence", 10,
                                                                                    "lab;lab"]]))
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "parties")]
    assert not Partnership.objects.exists()
    import_pipelines(actor=world["staff"], data=workbook(
        partnerships=[header, ["Licence", "licence", 10, "lab;pharma"]],
        partnership_stages=[["title", "stage", "on"], ["Licence", "lead", "2023-01-01"],
                            ["Licence", "signed", "2023-02-01"]]))
    assert Partnership.objects.get().is_confirmed and signed_count() == 1


def test_the_other_parties_contacts_are_asked_to_confirm(world, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        p = record(world, parties=("lab", "pharma", "cro"))
    assert sorted(m.to[0] for m in mailoutbox) == ["cro_contact@t.example", "pharma_contact@t.example"]
    assert f"/partnerships/{p.pk}/" in mailoutbox[0].body and "Licence" in mailoutbox[0].subject
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record(world, who="staff")
    assert mailoutbox == []
