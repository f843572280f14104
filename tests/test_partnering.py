"""Partnering: profiles linked to the directory, suggestions from the matching engine with reasons,
request/accept/decline, placement at acceptance and by the scheduler, unavailability respected, outcomes
opening a partnership lead or a desk request, agenda ICS, KPIs; and the database refusing two meetings for
one participant at once (threads, SQLite file and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from guichet.accounts.models import Membership, Role
from guichet.core.models import OutboxMessage
from guichet.directory.models import Organization
from guichet.impact.kpis import compute
from guichet.partnering import scheduler, services
from guichet.partnering.models import Meeting, MeetingRequest, Slot, SlotUse

from .conftest import make_user
from .partnering_fixtures import make_day
from .test_booking_concurrency import race


def person(email, org_key=None, language="fr"):
    user = make_user(email, Role.MEMBER)
    user.language = language
    user.save()
    if org_key:
        Membership.objects.create(user=user, organization=Organization.objects.get(key=org_key))
    return user


@pytest.mark.django_db
def test_request_accept_places_the_meeting_in_both_agendas(client, small_directory):
    day = make_day()
    alice, bob = person("alice@test.example", "acme-bio", "en"), person("claire.martin@example.org", "lab-tcell")
    a = services.participant_join(actor=alice, event=day, offers="Phage display, humanization",
                                  seeks="Lymphocytes T régulateurs, modèles de lupus")
    b = services.participant_join(actor=bob, event=day, offers="Treg biology, lupus models",
                                  seeks="Antibody discovery partner")
    assert b.person.key == "p-martin" and b.organization.key == "lab-tcell"  # linked to the directory
    request = services.request_create(actor=alice, requester=a, recipient=b, message="Shall we meet?")
    assert OutboxMessage.objects.get(template="partnering_requested").to == ["claire.martin@example.org"]
    with pytest.raises(services.NotAllowed):
        services.request_answer(actor=alice, request=request, accept=True)  # only the recipient answers
    client.force_login(bob)
    client.post(reverse("partnering:answer", args=["pday", request.pk]), {"accept": "1"})
    meeting = Meeting.objects.get(request=request)
    assert set(SlotUse.objects.filter(meeting=meeting).values_list("participant_id", flat=True)) == {a.pk, b.pk}
    answered = OutboxMessage.objects.get(template="partnering_answered")
    assert answered.to == ["alice@test.example"] and "accepted" in answered.body  # Alice reads English
    for user in (alice, bob):
        client.force_login(user)
        page = client.get(reverse("partnering:day", args=["pday"])).content.decode()
        agenda = page.split('id="agenda"')[1].split("</section>")[0]
        other = "Claire" if user == alice else "Alice"
        assert other in agenda and f"<td>{meeting.table.number}</td>" in agenda
        from icalendar import Calendar

        [item] = Calendar.from_ical(client.get(reverse("partnering:ics", args=["pday"])).content).walk("VEVENT")
        assert item.decoded("dtstart") == meeting.slot.start
    with pytest.raises(services.PartneringError):
        services.request_create(actor=bob, requester=b, recipient=a)  # already live, either way round


@pytest.mark.django_db
def test_suggestions_come_from_the_matching_engine_with_reasons(small_directory):
    day = make_day()
    seeker = services.participant_join(actor=person("seeker@test.example", "acme-bio"), event=day,
                                       offers="Antibody humanization",
                                       seeks="lymphocytes T régulateurs, lupus, cytométrie spectrale")
    lab = services.participant_join(actor=person("claire.martin@example.org", "lab-tcell"), event=day,
                                    offers="Treg", seeks="antibodies")
    found = services_suggestions = __import__("guichet.partnering.selectors", fromlist=["x"]).suggestions(seeker)
    assert found and found[0][0] == lab and found[0][1]  # the lab, with the engine's reasons
    assert all(p != seeker for p, _r in services_suggestions)


@pytest.mark.django_db
def test_declined_requests_are_not_placed_and_unavailability_is_respected(small_directory, staff):
    day = make_day(slots=3, tables=5)
    users = [person(f"u{i}@test.example") for i in range(3)]
    p = [services.participant_join(actor=u, event=day, offers="x", seeks="y") for u in users]
    slots = list(Slot.objects.filter(event=day))
    services.unavailability_set(actor=users[1], participant=p[1], slots=slots[:2])
    accepted = services.request_create(actor=users[0], requester=p[0], recipient=p[1])
    services.request_answer(actor=users[1], request=accepted, accept=True)
    assert Meeting.objects.get(request=accepted).slot == slots[2]  # the only slot u1 can make
    declined = services.request_create(actor=users[2], requester=p[2], recipient=p[0])
    services.request_answer(actor=users[0], request=declined, accept=False)
    assert not Meeting.objects.filter(request=declined).exists()
    # A meeting stands in slot 3: u1 cannot mark it unavailable without cancelling it first.
    with pytest.raises(services.SlotTaken):
        services.unavailability_set(actor=users[1], participant=p[1], slots=slots)
    assert SlotUse.objects.filter(participant=p[1], meeting__isnull=True).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_two_meetings_for_one_participant_at_once(small_directory, staff):
    day = make_day(slots=2, tables=3)
    users = [person(f"db{i}@test.example") for i in range(3)]
    p = [services.participant_join(actor=u, event=day, offers="x", seeks="y") for u in users]
    slot = Slot.objects.filter(event=day).first()
    first = MeetingRequest.objects.create(event=day, requester=p[0], recipient=p[1], status="accepted")
    second = MeetingRequest.objects.create(event=day, requester=p[0], recipient=p[2], status="accepted")
    services.meeting_place(actor=staff, request=first, slot=slot)
    with pytest.raises(services.SlotTaken):
        services.meeting_place(actor=staff, request=second, slot=slot)
    # Behind the services' back too: the unique (participant, slot) row refuses it.
    meeting = Meeting.objects.create(request=second, event=day, slot=slot,
                                     table=day.tables.exclude(meetings__slot=slot).first())
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotUse.objects.create(participant=p[0], slot=slot, meeting=meeting)


@pytest.mark.django_db(transaction=True)
def test_racing_placements_for_one_participant_one_wins(transactional_db):
    from guichet.directory.services import directory_import

    from .conftest import load_example

    directory_import(actor=None, payload=load_example("valid-small.json"))
    staff = make_user("staff-race@test.example", Role.STAFF)
    day = make_day(slots=1, tables=20)
    hub = services.participant_join(actor=person("hub@test.example"), event=day, offers="x", seeks="y")
    others = [services.participant_join(actor=person(f"o{i}@test.example"), event=day, offers="x", seeks="y")
              for i in range(10)]
    requests = [MeetingRequest.objects.create(event=day, requester=hub, recipient=o, status="accepted")
                for o in others]
    slot = Slot.objects.get(event=day)
    results, errors = race(lambda i: services.meeting_place(actor=staff, request=requests[i], slot=slot), n=10)
    assert len(results) == 1 and len(errors) == 9 and all(isinstance(e, services.SlotTaken) for e in errors), errors
    assert SlotUse.objects.filter(participant=hub, slot=slot).count() == 1


@pytest.mark.django_db
def test_the_scheduler_run_places_accepted_requests_within_the_rules(small_directory, staff):
    day = make_day(slots=4, tables=2)
    users = [person(f"s{i}@test.example") for i in range(6)]
    p = [services.participant_join(actor=u, event=day, offers="x", seeks="y") for u in users]
    services.unavailability_set(actor=users[0], participant=p[0], slots=list(Slot.objects.filter(event=day))[:2])
    for i in range(6):
        for j in range(i + 1, 6):
            MeetingRequest.objects.create(event=day, requester=p[i], recipient=p[j], status="accepted",
                                          decided_at=timezone.now())
    result = services.schedule_run(actor=staff, event=day)
    assert result["pending"] == 15 and result["placed"] == 8 == result["upper_bound"]  # 4 slots x 2 tables
    per_slot = {}
    for m in Meeting.objects.filter(event=day):
        per_slot.setdefault(m.slot_id, set()).update({m.request.requester_id, m.request.recipient_id})
    assert all(len(people) == 4 for people in per_slot.values())  # two meetings, four distinct people
    assert not Meeting.objects.filter(slot__in=list(Slot.objects.filter(event=day))[:2],
                                      request__requester=p[0]).exists()
    with pytest.raises(services.NotAllowed):
        services.schedule_run(actor=users[0], event=day)


@pytest.mark.django_db
def test_outcomes_open_a_lead_and_feed_the_kpis_as_of_dates(small_directory):
    from guichet.partnerships.models import Partnership

    day = make_day(start_in=timedelta(days=-3))
    alice, bob = person("a@test.example", "acme-bio"), person("b@test.example", "lab-tcell")
    booking = timezone.now() - timedelta(days=5)  # the booking phase, before the day
    a = services.participant_join(actor=alice, event=day, offers="x", seeks="y", now=booking)
    b = services.participant_join(actor=bob, event=day, offers="x", seeks="y", now=booking)
    request = services.request_create(actor=alice, requester=a, recipient=b, now=booking)
    services.request_answer(actor=bob, request=request, accept=True, now=booking)
    meeting = Meeting.objects.get(request=request)
    with pytest.raises(services.NotAllowed):
        services.meeting_outcome(actor=person("c@test.example"), meeting=meeting, held=True)
    services.meeting_outcome(actor=alice, meeting=meeting, held=True, outcome="follow_up", note="NDA next")
    services.meeting_open_lead(actor=alice, meeting=meeting)
    meeting.refresh_from_db()
    lead = Partnership.objects.get(pk=meeting.partnership_id)
    assert {o.key for o in lead.parties.all()} == {"acme-bio", "lab-tcell"} and meeting.outcome == "partnership"
    today = timezone.localdate()
    values = compute(as_of=today, start=today - timedelta(days=30), end=today).values
    assert (values["meetings_requested_in_period"], values["meetings_accepted_in_period"],
            values["meetings_held_in_period"]) == (1, 1, 1)
    assert values["partnerships_from_meetings"] == 0  # a lead opened is not a partnership signed
    before = compute(as_of=today - timedelta(days=10)).values
    assert before["meetings_held_in_period"] == 0 and before["partnerships_from_meetings"] == 0


@pytest.mark.django_db
def test_partnerships_from_meetings_count_by_their_first_signature_in_the_period_once_confirmed(small_directory,
                                                                                                staff):
    """The rule of the other signed partnerships: confirmed, counted in the period of the first signed stage (not
    when the lead was opened), once however many signed stages follow; and the figure states its method."""
    from datetime import date

    from django.utils import translation

    from guichet.partnerships.services import partnership_confirm, partnership_move

    day = make_day(start_in=timedelta(days=-3))
    alice, bob = person("a@test.example", "acme-bio"), person("b@test.example", "lab-tcell")
    booking = timezone.now() - timedelta(days=5)
    a = services.participant_join(actor=alice, event=day, offers="x", seeks="y", now=booking)
    b = services.participant_join(actor=bob, event=day, offers="x", seeks="y", now=booking)
    request = services.request_create(actor=alice, requester=a, recipient=b, now=booking)
    services.request_answer(actor=bob, request=request, accept=True, now=booking)
    meeting = Meeting.objects.get(request=request)
    services.meeting_outcome(actor=alice, meeting=meeting, held=True, outcome="follow_up")
    services.meeting_open_lead(actor=alice, meeting=meeting)
    lead = Meeting.objects.get(pk=meeting.pk).partnership
    signed_on = date(2026, 3, 10)  # signed long after the lead was opened (the lead's created_at is today)
    lead.stage_changes.update(on=date(2026, 1, 5))
    partnership_move(actor=staff, partnership=lead, stage="signed", on=signed_on)
    partnership_move(actor=staff, partnership=lead, stage="active", on=date(2026, 4, 1))
    march = {"as_of": date(2026, 3, 31), "start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    assert compute(**march).values["partnerships_from_meetings"] == 0  # declared, not yet confirmed
    partnership_confirm(actor=staff, partnership=lead)
    assert compute(**march).values["partnerships_from_meetings"] == 1
    assert compute(as_of=date(2026, 3, 9), start=date(2026, 1, 1), end=date(2026, 3, 9)).values[
        "partnerships_from_meetings"] == 0  # not signed yet on the 9th
    assert compute(as_of=date(2026, 6, 30), start=date(2026, 4, 1), end=date(2026, 6, 30)).values[
        "partnerships_from_meetings"] == 0  # signed before the period: the later "active" stage does not count
    year = compute(as_of=date(2026, 12, 31), start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert year.values["partnerships_from_meetings"] == year.values["partnerships_signed_in_period"] == 1
    with translation.override("fr"):
        assert "première signature" in compute(**march).methods["partnerships_from_meetings"]
    with translation.override("en"):
        assert "first signature" in compute(**march).methods["partnerships_from_meetings"]


@pytest.mark.django_db
def test_each_meeting_figure_states_its_method_in_french_and_in_english():
    from datetime import date

    from django.utils import translation

    keys = ("meetings_requested_in_period", "meetings_accepted_in_period", "meetings_held_in_period")
    as_of = {"as_of": date(2026, 3, 31), "start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    with translation.override("fr"):
        fr = compute(**as_of).methods
    with translation.override("en"):
        en = compute(**as_of).methods
    assert all(k in fr and k in en and fr[k] != en[k] for k in keys)
    assert "au jour (heure de Paris) de la réponse" in fr["meetings_accepted_in_period"]
    assert "Paris day of the answer" in en["meetings_accepted_in_period"]
    assert "enregistrés comme tenus" in fr["meetings_held_in_period"] and "recorded as held" in en[
        "meetings_held_in_period"]
    assert "Paris day each was sent" in en["meetings_requested_in_period"]


def test_the_scheduler_beats_first_fit_when_people_are_the_limit_and_never_breaks_a_rule():
    """A small instance where first-fit's order strands pairs: the scheduler's repair places them."""
    import random

    rng = random.Random(3)
    pairs = set()
    while len(pairs) < 120:
        a, b = rng.sample(range(30), 2)
        pairs.add((min(a, b), max(a, b)))
    problem = scheduler.Problem(slots=6, tables=50, requests=sorted(pairs),
                                unavailable={p: {p % 6} for p in range(0, 30, 3)})
    greedy, ours = scheduler.first_fit(problem), scheduler.schedule(problem, seconds=2)
    scheduler.check(problem, greedy)
    scheduler.check(problem, ours)
    assert ours.placed() >= greedy.placed()
    assert ours.placed() <= scheduler.upper_bound(problem)


@pytest.mark.django_db
def test_the_api_lists_my_meetings_and_answers_a_request(client, small_directory):
    from guichet.accounts.services import api_token_create

    day = make_day()
    alice, bob = person("alice@test.example"), person("bob@test.example")
    a = services.participant_join(actor=alice, event=day, offers="x", seeks="y")
    b = services.participant_join(actor=bob, event=day, offers="x", seeks="y")
    request = services.request_create(actor=alice, requester=a, recipient=b)
    _t, alice_key = api_token_create(actor=alice, name="t")
    _t, bob_key = api_token_create(actor=bob, name="t")
    url = f"/api/v1/partnering/requests/{request.pk}/answer"
    assert client.post(url, {"accept": True}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {alice_key}").status_code == 404  # not asked of Alice
    response = client.post(url, {"accept": True}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {bob_key}")
    assert response.status_code == 200 and response.json()["meeting"] == Meeting.objects.get().pk
    again = client.post(url, {"accept": False}, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {bob_key}")
    assert again.status_code == 409
    [meeting] = client.get("/api/v1/partnering/pday/meetings", HTTP_AUTHORIZATION=f"Bearer {alice_key}").json()
    assert meeting["with_name"] == "Bob" and meeting["table"] == 1


def test_the_api_schema_keeps_the_desk_request_and_the_meeting_request_apart(client):
    """Two schemas named RequestOut made the desk's 201 point at the meeting request's (schemathesis saw it)."""
    schema = client.get("/api/v1/openapi.json").json()
    ref = schema["paths"]["/api/v1/desk/requests"]["post"]["responses"]["201"]["content"]["application/json"][
        "schema"]["$ref"].rsplit("/", 1)[1]
    assert "reference" in schema["components"]["schemas"][ref]["properties"]
    assert "meeting" in schema["components"]["schemas"]["MeetingRequestOut"]["properties"]


@pytest.mark.django_db
def test_a_day_whose_meetings_are_over_takes_no_more_profiles_requests_or_availabilities(client, small_directory):
    # The trial (issue 16): the demo's past Partnering Day still offered "Request a meeting" and took it.
    day = make_day(start_in=timedelta(days=-3))
    alice, bob = person("a@test.example", "acme-bio"), person("b@test.example", "lab-tcell")
    booking = timezone.now() - timedelta(days=5)
    a = services.participant_join(actor=alice, event=day, offers="x", seeks="y", now=booking)
    b = services.participant_join(actor=bob, event=day, offers="x", seeks="y", now=booking)
    pending = services.request_create(actor=alice, requester=a, recipient=b, now=booking)
    for attempt in (lambda: services.participant_join(actor=person("c@test.example"), event=day, offers="x", seeks="y"),
                    lambda: services.request_create(actor=bob, requester=b, recipient=a),
                    lambda: services.request_answer(actor=bob, request=pending, accept=True),
                    lambda: services.unavailability_set(actor=alice, participant=a, slots=list(day.slots.all()))):
        with pytest.raises(services.PartneringError) as refused:
            attempt()
        assert refused.value.field == "event"
    services.request_answer(actor=bob, request=pending, accept=False)  # declining places nothing: still possible
    assert not Meeting.objects.exists() and not a.slot_uses.exists()
    client.force_login(alice)
    page = client.get(reverse("partnering:day", args=[day.key]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The meetings of this Partnering Day are over" in page
    assert "Request a meeting" not in page and 'id="availability"' not in page and 'id="join"' not in page


@pytest.mark.django_db
def test_the_agenda_scrolls_inside_its_own_box_on_a_phone(client, small_directory):
    # The trial (issue 16, 390 px): the agenda's outcome column was cut off at the screen's edge.
    day = make_day()
    alice, bob = person("a@test.example", "acme-bio"), person("b@test.example", "lab-tcell")
    a = services.participant_join(actor=alice, event=day, offers="x", seeks="y")
    b = services.participant_join(actor=bob, event=day, offers="x", seeks="y")
    services.request_answer(actor=bob, request=services.request_create(actor=alice, requester=a, recipient=b),
                            accept=True)
    client.force_login(alice)
    page = client.get(reverse("partnering:day", args=[day.key])).content.decode()
    agenda = page.split('id="agenda"', 1)[1].split("</section>", 1)[0]
    assert '<div class="table-wrap"><table class="table">' in agenda and 'class="meeting"' in agenda


def _bench_instance(tables: int):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "partnering_bench.py"
    spec = importlib.util.spec_from_file_location("partnering_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.instance(participants=500, requests=3000, slots=16, tables=tables)


def _best_placement(problem) -> int:
    """The most meetings any placement holds, by trying every one (tiny instances only)."""
    import itertools

    best = 0
    for choice in itertools.product(range(-1, problem.slots), repeat=len(problem.requests)):
        placement = scheduler.Placement({r: s for r, s in enumerate(choice) if s >= 0})
        if placement.placed() <= best:
            continue
        try:
            scheduler.check(problem, placement)
        except AssertionError:
            continue
        best = placement.placed()
    return best


def test_the_upper_bound_never_falls_below_the_best_placement_of_small_instances():
    import random

    rng = random.Random(11)
    for _ in range(8):
        pairs = set()
        while len(pairs) < 6:
            a, b = rng.sample(range(5), 2)
            pairs.add((min(a, b), max(a, b)))
        problem = scheduler.Problem(slots=3, tables=rng.choice((1, 2, 5)), requests=sorted(pairs),
                                    unavailable={p: {rng.randrange(3)} for p in range(5) if rng.random() < 0.4})
        best = _best_placement(problem)
        ours = scheduler.schedule(problem, seconds=1)
        scheduler.check(problem, ours)
        assert ours.placed() <= best <= scheduler.upper_bound(problem), problem


def test_on_the_bench_where_people_are_the_limit_the_bound_is_the_b_matching_and_the_scheduler_nears_it():
    """The 200-table Partnering Day of `make bench` (issue 16): the per-person sum allowed 1,802 meetings, the
    b-matching of the requests under each person's free slots proves at most 1,533 (51.1 %), so first-fit's
    1,439 (48.0 %) cannot be beaten by 5 points; the slot-by-slot augmenting paths place 1,517 (50.6 %)."""
    problem = _bench_instance(200)
    bound = scheduler.upper_bound(problem)
    assert bound == 1533
    greedy, ours = scheduler.first_fit(problem), scheduler.schedule(problem, seconds=8)
    scheduler.check(problem, ours)
    assert greedy.placed() == 1439 and ours.placed() <= bound
    assert ours.placed() - greedy.placed() >= 0.025 * len(problem.requests)  # 2.5 points at least (old: 0.4)
    assert bound - ours.placed() <= 0.01 * len(problem.requests)  # within a point of what is possible
