"""Races of calls and jobs against the real database (a file on SQLite, the server on PostgreSQL): a draft
submitted from 20 tabs at once counts once; 20 decisions on one proposal at once, one wins; 20 applications from
the same address to one posting at once, one is kept."""

import pytest

from guichet.accounts.models import Membership, Role
from guichet.calls import services as calls
from guichet.calls.models import Proposal
from guichet.core.models import AuditEvent
from guichet.directory.models import Organization
from guichet.talent import services as talent
from guichet.talent.models import Application

from .call_fixtures import make_call, make_draft
from .conftest import make_user
from .races import race
from .talent_fixtures import cv, make_posting

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # threads racing
RACERS = 20


@pytest.fixture
def organizations(transactional_db):
    Organization.objects.create(key="lab-tcell", name="Laboratoire T", kind="research_lab")
    Organization.objects.create(key="acme-bio", name="Acme", kind="company")


def test_a_draft_submitted_from_twenty_tabs_at_once_counts_once(organizations):
    applicant = make_user("applicant@test.example", Role.MEMBER)
    proposal = make_draft(applicant, make_call())
    results, errors = race(lambda i: calls.proposal_submit(actor=applicant, proposal=Proposal.objects.get(
        pk=proposal.pk)), n=RACERS)
    assert len(results) == 1 and len(errors) == RACERS - 1
    assert all(isinstance(e, calls.CallError) and e.field == "status" for e in errors), errors
    assert AuditEvent.objects.filter(action="proposal.submit").count() == 1


def test_twenty_decisions_on_one_proposal_one_wins(organizations):
    applicant, staff = make_user("applicant@test.example", Role.MEMBER), make_user("staff@test.example", Role.STAFF)
    proposal = make_draft(applicant, make_call())
    calls.proposal_submit(actor=applicant, proposal=proposal)
    results, errors = race(lambda i: calls.proposal_decide(actor=staff, proposal=Proposal.objects.get(pk=proposal.pk),
                                                           award=i % 2 == 0, reason=f"Decision {i}", amount="1000"),
                           n=RACERS)
    assert len(results) == 1 and all(isinstance(e, calls.CallError) for e in errors), errors
    assert AuditEvent.objects.filter(action="proposal.decide").count() == 1


def test_twenty_applications_from_one_address_at_once_one_is_kept(organizations, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    poster = make_user("poster@test.example", Role.MEMBER)
    Membership.objects.create(user=poster, organization=Organization.objects.get(key="lab-tcell"))
    posting = make_posting(poster)
    results, errors = race(lambda i: talent.application_create(actor=None, posting=posting, full_name=f"Racer {i}",
                                                               email="same@example.org", cv=cv(), language="fr",
                                                               client_address=f"10.0.0.{i}"), n=RACERS)
    assert len(results) == 1 and all(isinstance(e, talent.AlreadyApplied) for e in errors), errors
    assert Application.objects.count() == 1
    # The refused ones left no file behind: one CV on disk, the kept application's.
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [Application.objects.get().cv.name.rsplit("/", 1)[1]]
