"""The admin is a door like any other: every write it makes leaves an audit entry (issue 10, item 1).

The test enumerates `admin.site`, so a model registered tomorrow is covered or fails here. For each model
an administrator adds, changes (fields, many-to-many sets, inline rows) and deletes (one, then in bulk)
through the admin's HTTP views, submitting the page's own form as a browser would; after each step the
whole database is compared with before: a step that wrote anything must have written an audit event too.
Read-only admins must refuse every write and change nothing.
"""

from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import timezone

from guichet.core.models import AuditEvent

# Tables that are not the data the admin edits: the log itself, the admin's own history, sessions, the
# search index the services refresh.
NOT_DATA = {"core.auditevent", "admin.logentry", "sessions.session", "directory.searchentry",
            "contenttypes.contenttype", "auth.permission"}

# Models whose admin shows and never writes: their records change through their own services only.
# (django-tasks-db's own screen of the jobs: no add, change or delete.)
READ_ONLY = {"core.auditevent", "core.outboxmessage", "desk.need", "desk.message",
             "django_tasks_database.dbtaskresult"}
# --- declaration campaigns, annual report --- figures are validated by actions, reports made by the job
READ_ONLY |= {"declarations.declaration", "impact.annualreport"}
READ_ONLY |= {"talent.application", "calls.proposal", "calls.assignment"}  # --- calls, talent --- (their pages)
# --- facility operations, invoices (issue 13) --- series and places in line change by their actions; invoices never
READ_ONLY |= {"facility.bookingseries", "facility.waitlistentry", "facility.invoice", "facility.monthclosing"}
# --- hosting spaces (issue 13, item 8) --- contracts are let, ended and cancelled from the building's page
READ_ONLY |= {"hosting.contract"}
READ_ONLY |= {"facility.consumableuse"}  # --- consumables (issue 13, item 6) --- a use took stock and was billed


class FormReader(HTMLParser):
    """What a browser would submit from the admin's main form (inputs, selects, textareas)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self.select, self.select_multiple, self.select_options, self.textarea = None, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
                return
            self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name and "__prefix__" not in name:
            self.select, self.select_multiple, self.select_options = name, "multiple" in attrs, []
        elif tag == "option" and self.select:
            self.select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select:
            chosen = [v for v, selected in self.select_options if selected]
            if not chosen and not self.select_multiple and self.select_options:
                chosen = [self.select_options[0][0]]
            self.data.extend((self.select, v) for v in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


def errors(response) -> str:
    """The admin's error messages on a page that came back, for a helpful failure."""
    import re

    text = response.content.decode()
    found = re.findall(r'class="(?:errornote|errorlist[^"]*)"[^>]*>(.*?)</(?:p|ul)>', text, re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", f).strip() for f in found) or text[:2000]


def read_form(client, url, model):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reader = FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data


def submit(client, url, model, overrides):
    data = read_form(client, url, model)
    for name, value in overrides(data).items() if callable(overrides) else overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    data["_save"] = ["Save"]
    return client.post(url, data)


def fingerprint() -> dict[str, list]:
    """Every row of every table that holds data, so any write is seen, whoever made it."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label not in NOT_DATA:
            rows[label] = list(model._base_manager.order_by("pk").values_list())
    return rows


class Step:
    def __init__(self, what):
        self.what = what

    def __enter__(self):
        self.rows, self.events = fingerprint(), AuditEvent.objects.count()
        return self

    def __exit__(self, *exc):
        if exc[0]:
            return False
        after = fingerprint()
        self.changed = sorted(k for k in after if after[k] != self.rows.get(k))
        self.new_events = list(AuditEvent.objects.order_by("pk")[self.events:])
        return False

    def check_audited(self, *, must_write=True):
        assert self.changed or not must_write, f"{self.what}: wrote nothing (is the sample right?)"
        if self.changed:
            assert self.new_events, f"{self.what}: wrote {self.changed} without an audit event"


def inline_row(prefix, values):
    """Add one row to an inline formset, as the 'Add another' link does."""
    def add(data):
        n = int(data[f"{prefix}-TOTAL_FORMS"][0])
        return {f"{prefix}-TOTAL_FORMS": str(n + 1), **{f"{prefix}-{n}-{k}": v for k, v in values.items()}}
    return add


def both(*parts):
    def apply(data):
        out = {}
        for part in parts:
            out.update(part(data) if callable(part) else part)
        return out
    return apply


@pytest.fixture
def world(small_directory, member, manager, staff, admin_user):
    """A little of everything, so each admin has records to change and choices to make."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from guichet.accounts.models import ApiToken, Membership
    from guichet.bookings.models import Booking, TrainingAuthorization
    from guichet.bookings.orders import order_create
    from guichet.directory.models import ImportBatch, Organization
    from guichet.matching.models import Concept
    from guichet.platforms.models import Instrument, Platform, Service
    from guichet.startups.models import Startup

    from .conftest import load_example

    acme = Organization.objects.get(key="acme-bio")
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    Platform.objects.get(key="cyto").managers.add(manager)
    Startup.objects.create(organization=acme, founded_on=date(2022, 1, 1), origin="other")
    for n in range(2):  # two of each record the admin cannot add: one to delete, one to delete in bulk
        ApiToken.objects.create(user=member, name=f"t{n}", prefix=f"abc{n}", token_hash=f"{n}" * 64,
                                expires_at=timezone.now() + timedelta(days=3))
        ImportBatch.objects.create(created_by=staff, filename=f"{n}.json", payload=load_example("valid-small.json"))
        kw = {"username": f"x{n}@test.example", "ip_address": "10.0.0.1", "user_agent": "t", "http_accept": "",
              "path_info": "/"}
        AccessAttempt.objects.create(**kw, failures_since_start=3, get_data="", post_data="")
        AccessLog.objects.create(**kw)
        AccessFailureLog.objects.create(**kw)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    aria = Instrument.objects.get(key="cyto.aria")
    Booking.objects.create(instrument=aria, user=member, start=start, end=start + timedelta(hours=1),
                           blocked_until=start + timedelta(hours=1), status="confirmed")
    TrainingAuthorization.objects.create(user=member, instrument=aria, granted_by=manager)
    for _n in range(2):
        order_create(actor=member, service=Service.objects.get(key="cyto.sort"), description="x", quantity=1)
    # A transactional test run before may have flushed the seeded vocabulary: one concept is enough here.
    concept = Concept.objects.order_by("pk").first() or Concept.objects.create(
        key="test-broader", category="technique", labels_fr="truc large", labels_en="broad thing")
    # --- calls, talent --- an application (read-only in the admin) to the member's posting
    from guichet.talent.services import application_create

    from .talent_fixtures import cv, make_posting

    application_create(actor=manager, posting=make_posting(member), full_name="Applicant", cv=cv())
    from guichet.calls.services import assignment_create, proposal_submit

    from .call_fixtures import make_call, make_draft

    proposal = proposal_submit(actor=member, proposal=make_draft(member, make_call()))
    assignment_create(actor=staff, proposal=proposal, reviewer=manager)
    facility_world(member, staff, aria, acme, start)  # --- facility operations, invoices (issue 13) ---
    hosting_world()  # --- hosting spaces (issue 13, item 8) ---
    return {"acme": acme, "concept": concept, "member": member,
            "manager": manager, "aria": aria, "org": Organization.objects.get(key="lab-tcell")}


def facility_world(member, staff, aria, acme, start):
    """A series, a place in line, a usage, a closed month with its invoice (--- issue 13 ---)."""
    from decimal import Decimal

    from guichet.bookings.models import Booking
    from guichet.facility.models import (
        BookingSeries,
        Invoice,
        MonthClosing,
        SeriesOccurrence,
        Usage,
        WaitlistEntry,
    )

    # At a fixed hour of the afternoon: the booking admin's sample adds 9:00 and 10:00 on the same instrument and day
    # (samples' `future`), and an hour taken from the clock collided with them when the suite ran at 8 or 9 UTC.
    later = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=10), time(15, 0)))
    series = BookingSeries.objects.create(instrument=aria, user=member, rule="FREQ=WEEKLY;COUNT=1", first_start=later,
                                          duration_minutes=60)
    occurrence = Booking.objects.create(instrument=aria, user=member, start=later, end=later + timedelta(hours=1),
                                        blocked_until=later + timedelta(hours=1), status="confirmed")
    SeriesOccurrence.objects.create(series=series, booking=occurrence)
    WaitlistEntry.objects.create(instrument=aria, user=member, start=later, end=later + timedelta(hours=1))
    for n in range(2):
        past = start - timedelta(days=10 + n)
        used = Booking.objects.create(instrument=aria, user=member, start=past, end=past + timedelta(hours=1),
                                      blocked_until=past + timedelta(hours=1), status="completed")
        Usage.objects.create(booking=used, checked_in_at=past, checked_out_at=past + timedelta(minutes=50),
                             checked_in_by=member)
    # --- consumables (issue 13, item 6) --- a use, shown only in the admin
    from guichet.facility.models import Consumable, ConsumableUse

    tubes = Consumable.objects.create(platform=aria.platform, name="World tubes", unit="box", stock=3)
    ConsumableUse.objects.create(consumable=tubes, booking=occurrence, quantity=1, category="industry",
                                 unit_price=Decimal("1.00"), amount=Decimal("1.00"), added_by=staff)
    closing = MonthClosing.objects.create(year=2020, month=1, closed_by=staff)
    Invoice.objects.create(number="2020-00001", year=2020, sequence=1, closing=closing, period="2020-01",
                           organization=acme, customer_name=acme.name, category="industry", net=Decimal("1.00"),
                           vat=Decimal("0.20"), gross=Decimal("1.20"))


def samples(w):
    """For each model: add (a function of n, so two can be made), change, m2m, inline; None = the admin
    refuses that kind of write (it is then checked to be refused and to change nothing)."""
    org, acme, member = w["org"], w["acme"], w["member"]
    future = (timezone.localdate() + timedelta(days=10)).isoformat()
    return {
        "auth.group": None,  # unregistered: roles, not groups, grant rights
        "accounts.user": dict(
            add=lambda n: {"email": f"new{n}@test.example", "full_name": "New", "role": "member",
                           "language": "fr", "password1": "correct-horse-battery-9"},
            change={"role": "staff"},
            inline=inline_row("memberships", {"organization": str(org.pk), "is_contact": "on",
                                                "created_at_0": "2025-01-01", "created_at_1": "10:00"}),
            inline_change=lambda data: {"memberships-0-is_contact": None}),
        "accounts.apitoken": dict(add=None, change={"name": "renamed"}),
        "directory.organization": dict(add=lambda n: {"key": f"org-new-{n}", "name": "New org", "kind": "research_lab"},
                                       change={"city": "Marseille"}),
        "directory.person": dict(add=lambda n: {"key": f"p-new-{n}", "name": "New person"},
                                 change={"title": "Dr"}),
        "directory.importbatch": dict(add=None, change=None),
        "platforms.platform": dict(add=lambda n: {"key": f"plat-new-{n}", "name": "New platform",
                                                  "organization": str(org.pk)},
                                   change={"description": "Changed"},
                                   m2m={"managers": [str(w["manager"].pk), str(member.pk)]}),
        "platforms.service": dict(add=lambda n: {"key": f"cyto.new-{n}", "name": "New service",
                                                 "platform": str(w["aria"].platform_id)},
                                  change={"price_academic": "12.50"}),
        "platforms.instrument": dict(add=lambda n: {"key": f"cyto.new-{n}", "name": "New instrument",
                                                    "platform": str(w["aria"].platform_id)},
                                     change={"hourly_academic": "99.00", "opens_at": "07:00"}),
        "matching.concept": dict(add=lambda n: {"key": f"new-concept-{n}", "category": "technique",
                                                "labels_fr": f"truc{n}", "labels_en": f"thing{n}"},
                                 change={"labels_en": "thing, changed"},
                                 m2m={"broader": [str(w["concept"].pk)]}),
        "partnerships.partnership": dict(
            add=lambda n: {"title": f"P{n}", "type": "licence", "parties": [str(org.pk), str(acme.pk)],
                           "value_eur": "1000"},
            change={"value_eur": "2000"}, m2m={"parties": [str(org.pk)]}),
        "startups.startup": dict(
            add=(lambda n: {"organization": str(org.pk if n == 0 else w["org2"].pk),
                                               "founded_on": "2021-03-01", "origin": "other",
                                               "stage": "creation"}),
            change={"stage": "seed"}, m2m={"founders": [str(member.pk)]},
            inline=inline_row("rounds", {"on": "2023-01-01", "amount_eur": "100000", "kind": "seed"})),
        "startups.headcount": dict(add=lambda n: {"organization": str(acme.pk), "on": f"202{n}-01-01",
                                                  "headcount": "5"},
                                   change={"headcount": "7"}),
        "programmes.programme": dict(
            add=lambda n: {"code": f"NEW-{n}", "name": "New", "owner": str(acme.pk), "target": "CD3",
                           "format": "monoclonal", "visibility": "public"},
            change={"name": "Renamed"}, m2m={"partners": [str(org.pk)]},
            inline=inline_row("indications", {"name": "Lupus", "therapeutic_area": "autoimmunity"})),
        "impact.target": dict(add=lambda n: {"key": f"jobs-{n}", "label": "Jobs", "value": "10", "year": "2030"},
                              change={"value": "12"}),
        "bookings.trainingauthorization": dict(
            add=lambda n: {"user": str(w["manager"].pk if n else member.pk), "instrument": str(w["aria"].pk)},
            change=None),
        "bookings.booking": dict(
            add=lambda n: {"instrument": str(w["aria"].pk), "start_0": future, "start_1": f"{9 + n}:00",
                           "end_0": future, "end_1": f"{9 + n}:30", "note": "maintenance"},
            change={"note": "changed"}),
        "bookings.serviceorder": dict(add=None, change={"cost_centre": "CC-1"}, delete=None),
        # --- clinical transfer, technology transfer ---
        **clinical_transfer_samples(w),
        # django-axes: attempts are written by logins, never here; deleting one unlocks an account.
        **{f"axes.{m}": dict(add=None, change=None)
           for m in ("accessattempt", "accesslog", "accessfailurelog")},
        # --- events ---
        **events_samples(w, future),
        # --- declaration campaigns, annual report ---
        **declaration_samples(future),
        # --- calls, talent ---
        "talent.posting": dict(add=lambda n: {"organization": str(org.pk), "posted_by": str(member.pk), "kind": "job",
                                              "contract": "permanent", "language": "fr", "title": f"Poste {n}",
                                              "description": "D", "expires_on": future},
                               change={"title": "Renamed"}),
        # --- groups (issue 12) ---
        **groups_samples(w),
        # --- single sign-on (issue 12) ---
        "socialaccount.socialapp": dict(add=lambda n: {"provider": "openid_connect", "provider_id": f"idp{n}",
                                                       "name": f"IdP {n}", "client_id": f"client{n}", "secret": "s",
                                                       "settings": '{"server_url": "https://idp.example"}'},
                                        change={"name": "Renamed IdP"}),
        "signon.organizationdomain": dict(add=lambda n: {"organization": str(org.pk), "domain": f"d{n}.example"},
                                          change={"domain": "renamed.example"}),
        "signon.signonpolicy": dict(add=lambda n: {"organization": str(org.pk if n == 0 else w["org2"].pk),
                                                   "local_passwords": "on"},
                                    change={"local_passwords": None}),
        # --- facility operations, invoices (issue 13) ---
        **facility_samples(w),
        # --- hosting spaces (issue 13, item 8) --- spaces are added from the building's page (with their
        # bookable resource) and never deleted here
        "hosting.building": dict(add=lambda n: {"key": f"bld-{n}", "name": f"Building {n}",
                                                "platform": str(w["aria"].platform_id)},
                                 change={"site": "Luminy"}),
        "hosting.space": dict(add=None, change={"seats": "5"}, delete=None),
    }


def hosting_world():
    """A building with an office let to a company (--- hosting spaces, issue 13 ---)."""
    from datetime import date

    from guichet.hosting import services

    from .hosting_fixtures import make_building

    site = make_building()
    services.contract_create(actor=site["manager"], space=site["office"], company=site["company"],
                             start=date(2026, 1, 1), end=date(2026, 12, 31), surface_m2="20", monthly_price="600")


def facility_samples(w):
    from guichet.platforms.models import Instrument, Service

    other = Instrument.objects.exclude(pk=w["aria"].pk).order_by("pk").first()
    rule = {"mode": "booked", "minimum_minutes": "0", "release_after_minutes": "0", "late_cancel_hours": "0",
            "late_cancel_fee_percent": "0", "no_show_fee_percent": "0"}
    return {
        "facility.usage": dict(add=None, change={"correction_reason": "Badge reader down"}, delete=None),
        "facility.billingrule": dict(add=lambda n: {**rule, "instrument": str((other if n else w["aria"]).pk)},
                                     change={"minimum_minutes": "30"}),
        "facility.vatrate": dict(add=lambda n: {"category": ["academic", "startup"][n], "percent": "5.50"},
                                 change={"percent": "10.00"}),
        "facility.accountingcode": dict(add=lambda n: {"platform": str(w["aria"].platform_id),
                                                       "category": ["academic", "industry"][n], "code": "706"},
                                        change={"code": "706100"}),
        "facility.billingprofile": dict(add=lambda n: {"organization": str((w["org"] if n else w["acme"]).pk),
                                                       "language": "en", "purchase_order": f"PO-{n}"},
                                        change={"purchase_order": "PO-9"}),
        # --- sample forms, consumables (issue 13, items 5 and 6) --- through their services
        "facility.samplefield": dict(add=lambda n: {"service": str(Service.objects.get(key="cyto.sort").pk),
                                                    "label": f"Question {n}", "kind": "text"},
                                     change={"label": "Species"}),
        "facility.consumable": dict(add=lambda n: {"platform": str(w["aria"].platform_id), "name": f"Tubes {n}",
                                                   "unit": "box", "stock": "5", "alert_below": "0", "active": "on"},
                                    change={"alert_below": "2"}),
    }


def declaration_samples(future):
    sections = ('[{"key": "summary", "kind": "narrative", "title": {"fr": "Synthèse", "en": "Summary"}}, '
                '{"key": "jobs", "kind": "indicators", "title": {"fr": "Emplois", "en": "Jobs"}, '
                '"indicators": ["jobs_created_in_period"]}]')
    return {
        "declarations.campaign": dict(add=lambda n: {"title": f"Campagne {n}", "year": "2025", "deadline": future,
                                                     "ask_satisfaction": "on", "cluster_funding_eur": "1000"},
                                      change={"title": "Campagne renommée"}),
        "impact.reporttemplate": dict(add=lambda n: {"key": f"tpl-{n}", "name": f"Modèle {n}", "sections": sections},
                                      change={"funder": "ANR"}),
    }


def groups_samples(w):
    """Labs (with a member added inline), memberships (a head appointed) and projects (their platforms)."""
    from guichet.groups.models import ResearchGroup

    group = ResearchGroup.objects.get_or_create(key="admin-lab", defaults={"name": "Admin lab",
                                                                          "organization": w["org"]})[0]
    return {
        "groups.researchgroup": dict(
            add=lambda n: {"key": f"lab-{n}", "name": f"Lab {n}", "kind": "lab", "organization": str(w["org"].pk)},
            change={"name": "Renamed lab"},
            inline=inline_row("memberships", {"user": str(w["member"].pk), "role": "member", "status": "active"})),
        "groups.groupmembership": dict(
            add=lambda n: {"group": str(group.pk), "user": str((w["member"], w["manager"])[n].pk), "role": "head",
                           "status": "active"},
            change={"may_charge": "on"}, m2m={"chargeable_platforms": [str(w["aria"].platform_id)]}),
        "groups.project": dict(
            add=lambda n: {"key": f"grant-{n}", "name": f"Grant {n}", "group": str(group.pk),
                           "starts_on": "2026-01-01", "ends_on": "2027-12-31", "budget": "1000.00"},
            change={"budget": "2000.00"}, m2m={"platforms": [str(w["aria"].platform_id)]}),
        "calls.call": dict(add=lambda n: {"key": f"call-{n}", "status": "draft", "title_fr": f"Appel {n}",
                                          "text_fr": "Texte", "opens_at_0": "2026-01-01", "opens_at_1": "09:00",
                                          "deadline_0": "2026-03-01", "deadline_1": "12:00", "eligible_kinds": "[]",
                                          "budget_ceiling_eur": "50000"},
                           change={"budget_ceiling_eur": "60000"},
                           inline=inline_row("criteria", {"label_fr": "Excellence", "weight": "1", "max_score": "5",
                                                          "position": "1"})),
        # --- impact PDF reports (issue 9) --- drawn by a job: listed and deleted (audited), never added or edited
        "impact.reportrun": report_run_samples(w),
    }


def report_run_samples(w):
    from datetime import date

    from guichet.impact.models import ReportRun

    for _n in range(2 - ReportRun.objects.count()):
        ReportRun.objects.create(requested_by=w["member"], start=date(2025, 1, 1), end=date(2025, 6, 30),
                                 as_of=date(2025, 6, 30), status="done", content=b"%PDF-1.4 sample")
    return dict(add=None)


def events_samples(w, future):
    """Rooms (each on its own bookable resource), courses, events, sessions (held in a room: the booking too)."""
    from guichet.events.models import Event
    from guichet.platforms.models import Instrument

    resources = [Instrument.objects.get_or_create(key=f"cyto.room-{n}", defaults={
        "name": f"Room {n}", "platform_id": w["aria"].platform_id, "open_weekdays": "1234567"})[0] for n in range(3)]
    event, _created = Event.objects.get_or_create(key="admin-conf", defaults={
        "kind": "conference", "title_fr": "Conf", "status": "published"})
    return {
        "events.room": dict(add=lambda n: {"resource": str(resources[n].pk), "capacity": "40"},
                            change={"capacity": "45"}),
        "events.course": dict(add=lambda n: {"key": f"course-{n}", "title_fr": f"Cours {n}", "hours": "7"},
                              change={"hours": "3.5"}),
        "events.event": dict(add=lambda n: {"key": f"ev-{n}", "kind": "seminar", "title_fr": f"Séminaire {n}",
                                            "status": "draft"},
                             change={"status": "published"}),
        "events.session": dict(add=lambda n: {"event": str(event.pk), "title_fr": f"S{n}", "start_0": future,
                                              "start_1": f"{9 + 2 * n}:00", "end_0": future,
                                              "end_1": f"{10 + 2 * n}:00", "capacity": "20"},
                               change={"capacity": "25"}, m2m={"trainers": [str(w["member"].pk)]}),
        "partnering.slot": dict(add=lambda n: {"event": str(event.pk), "start_0": future, "start_1": f"{9 + n}:00",
                                               "end_0": future, "end_1": f"{9 + n}:30"},
                                change={"end_1": "09:20"}),
        "partnering.table": dict(add=lambda n: {"event": str(event.pk), "number": str(n + 1)},
                                 change={"number": "7"}),
    }


def clinical_transfer_samples(w):
    from guichet.clinical.models import Site, Trial
    from guichet.directory.models import Organization
    from guichet.transfer.models import Office

    org, acme = w["org"], w["acme"]
    spare = Organization.objects.get_or_create(key="spare-org", defaults={"name": "Spare", "kind": "hospital"})[0]
    spare2 = Organization.objects.get_or_create(key="spare-org2", defaults={"name": "Spare 2", "kind": "hospital"})[0]
    sites = [Site.objects.get_or_create(organization=o, defaults={"kind": "cic"})[0] for o in (spare, spare2)]
    trial = Trial.objects.get_or_create(title="Sample trial", defaults={"sponsor": acme, "phase": "2"})[0]
    office = Office.objects.get_or_create(organization=spare)[0]
    return {
        "clinical.site": dict(add=lambda n: {"organization": str(org.pk if n == 0 else w["org2"].pk), "kind": "cic",
                                             "areas": "[]", "phases": '["2"]', "beds": "0", "phase_i_beds": "0"},
                              change={"beds": "12"}),
        "clinical.trial": dict(add=lambda n: {"title": f"Trial {n}", "nct_id": f"NCT0000000{n}", "sponsor": str(acme.pk),
                                              "phase": "2"},
                               change={"acronym": "TR"},
                               inline=inline_row("status_changes", {"status": "open", "on": "2025-01-01"})),
        "clinical.trialsite": dict(add=lambda n: {"trial": str(trial.pk), "site": str(sites[n].pk),
                                                  "target_inclusions": str(10 + n)},
                                   change={"target_inclusions": "20"},
                                   inline=inline_row("inclusions", {"on": "2025-02-01", "total": "3"})),
        "transfer.office": dict(add=lambda n: {"organization": str(org.pk if n == 0 else w["org2"].pk)},
                                change=None),
        "transfer.ipfamily": dict(add=lambda n: {"office": str(office.pk), "reference": f"F-{n}", "title": "F"},
                                  change={"title": "G"},
                                  inline=inline_row("applications", {"patent_office": "EP", "number": "EP1",
                                                                     "filed_on": "2025-01-01", "status": "filed"})),
        "transfer.maturationproject": dict(add=lambda n: {"office": str(office.pk), "title": f"M{n}",
                                                          "budget_eur": "1000", "started_on": "2025-01-01"},
                                           change={"budget_eur": "2000"}),
        "transfer.technologyoffer": dict(add=lambda n: {"office": str(office.pk), "title": f"O{n}", "summary": "S"},
                                         change={"published_on": "2025-01-01"}),
        "transfer.licence": dict(add=lambda n: {"office": str(office.pk), "licensee": str(acme.pk),
                                                "signed_on": "2025-01-01"},
                                 change={"exclusive": "on"},
                                 inline=inline_row("royalties", {"period_end": "2025-06-30", "amount_eur": "10",
                                                                 "received_on": "2025-07-01"})),
    }


def model_label(model):
    return model._meta.label_lower


def admin_url(model, view, *args):
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: model_label(item[0]))


@pytest.mark.django_db
def test_every_admin_model_has_a_sample(world):
    world["org2"] = None
    known = samples(world)
    missing = [model_label(m) for m, _a in registered()
               if model_label(m) not in known and model_label(m) not in READ_ONLY and model_label(m) not in NOT_DATA]
    assert missing == [], f"admin models without a sample in tests/test_admin_audit.py: {missing}"


# The two sweeps below build the whole world and fingerprint every table around each step, once per admin model
# (some 70 cases, seconds each): slow, so `make test-fast` leaves them to `make test` and CI. What stays fast
# here: every admin model has a sample, and the three writes that decide what a person may see.
@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(
    {model_label(m) for m, _a in admin.site._registry.items()} - NOT_DATA - READ_ONLY))
def test_every_admin_write_is_audited(label, client, world, admin_user):
    from guichet.directory.models import Organization

    world["org2"] = Organization.objects.get(key="hosp-rheum")
    sample = samples(world).get(label)
    assert sample, f"{label}: no sample in tests/test_admin_audit.py (add one to samples())"
    model = apps.get_model(label)
    client.force_login(admin_user)

    created = []
    if sample["add"] is None:
        with Step(f"{label} add") as step:
            response = client.post(admin_url(model, "add"), {"_save": "Save"})
        assert response.status_code == 403, f"{label}: the admin should refuse to add"
        assert not step.changed, f"{label}: a refused add wrote {step.changed}"
    else:
        for n in range(2):
            with Step(f"{label} add #{n}") as step:
                before = set(model._base_manager.values_list("pk", flat=True))
                response = submit(client, admin_url(model, "add"), model, sample["add"](n))
            assert response.status_code == 302, (label, errors(response))
            step.check_audited()
            [pk] = set(model._base_manager.values_list("pk", flat=True)) - before
            created.append(pk)
    existing = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
    target = created[0] if created else existing[0]

    for kind in ("change", "m2m", "inline", "inline_change"):
        if kind not in sample:
            continue
        url = admin_url(model, "change", target)
        with Step(f"{label} {kind}") as step:
            response = submit(client, url, model, sample[kind] or {})
        assert response.status_code == 302, (label, kind, errors(response))
        step.check_audited(must_write=sample[kind] is not None)
        if kind == "m2m" and step.changed:
            fields = {k for e in step.new_events for k in e.changes}
            assert set(sample["m2m"]) <= fields, f"{label}: the audit entry does not name {set(sample['m2m'])}"

    bulk = created[1] if len(created) > 1 else existing[1]
    if "delete" in sample and sample["delete"] is None:  # the admin refuses deletes: checked to be refused
        with Step(f"{label} delete") as step:
            response = client.post(admin_url(model, "delete", target), {"post": "yes"})
            client.post(admin_url(model, "changelist"),
                        {"action": "delete_selected", "_selected_action": [str(bulk)], "post": "yes"})
        assert response.status_code == 403, f"{label}: the admin should refuse to delete"
        assert not step.changed, f"{label}: a refused delete wrote {step.changed}"
        return

    with Step(f"{label} delete") as step:
        response = client.post(admin_url(model, "delete", target), {"post": "yes"})
    assert response.status_code == 302, (label, errors(response))
    step.check_audited()
    assert not model._base_manager.filter(pk=target).exists()

    with Step(f"{label} bulk delete") as step:
        response = client.post(admin_url(model, "changelist"),
                               {"action": "delete_selected", "_selected_action": [str(bulk)], "post": "yes"})
    assert response.status_code == 302, (label, errors(response))
    step.check_audited()
    assert not model._base_manager.filter(pk=bulk).exists()


@pytest.mark.slow  # the same world and fingerprints, once per read-only admin
@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_read_only_admins_refuse_writes(label, client, world, admin_user):
    from guichet.desk.models import Message
    from guichet.desk.services import request_submit

    desk = request_submit(actor=world["member"], text="Need: cell sorting for a study", confidential=False)
    Message.objects.create(request=desk, author=world["member"], body="hello")
    if label == "django_tasks_database.dbtaskresult":  # one job on the database queue, as a worker would see
        from django.test import override_settings

        from guichet.matching.tasks import retag_vocabulary

        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            retag_vocabulary.enqueue(["cell sorting"])
    if label in ("declarations.declaration", "impact.annualreport"):  # --- declaration campaigns ---
        declaration_read_only_samples(world)
    model = apps.get_model(label)
    assert model in admin.site._registry, f"{label} is no longer in the admin: update READ_ONLY"
    client.force_login(admin_user)
    obj = model._base_manager.order_by("pk").first()
    assert obj is not None, f"{label}: the world has no sample record"
    with Step(f"{label} writes") as step:
        statuses = [client.post(admin_url(model, "add"), {"_save": "Save"}).status_code,
                    client.post(admin_url(model, "change", obj.pk), {"_save": "Save"}).status_code,
                    client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code]
        bulk = client.post(admin_url(model, "changelist"),
                           {"action": "delete_selected", "_selected_action": [str(obj.pk)], "post": "yes"})
    assert statuses == [403, 403, 403]
    assert model._base_manager.filter(pk=obj.pk).exists(), bulk.status_code
    assert not step.changed and not step.new_events


@pytest.mark.django_db
def test_admin_role_contact_and_password_changes_are_named_in_the_log(client, world, admin_user):
    """The three changes that decide what a person may see: each its own entry, before and after."""
    from guichet.accounts.models import Membership

    member = world["member"]
    client.force_login(admin_user)
    url = admin_url(apps.get_model("accounts.user"), "change", member.pk)
    response = submit(client, url, member, {"role": "staff", "memberships-0-is_contact": "on"})
    assert response.status_code == 302, errors(response)
    role = AuditEvent.objects.get(action="user.role_change", entity_key=member.email)
    assert role.changes == {"role": ["member", "staff"]} and role.actor == admin_user
    contact = AuditEvent.objects.get(action="membership.set_contact")
    assert contact.changes == {"is_contact": [False, True]}
    assert Membership.objects.get(user=member).is_contact

    response = client.post(url.replace("/change/", "/password/"), {"password1": "another-horse-battery-7",
                                               "password2": "another-horse-battery-7", "usable_password": "true"})
    assert response.status_code == 302, errors(response)
    member.refresh_from_db()
    assert member.check_password("another-horse-battery-7")
    event = AuditEvent.objects.get(action="user.password_set_by_admin")
    assert event.actor == admin_user and "another" not in str(event.changes)


@pytest.mark.django_db
def test_platform_managers_and_instrument_rates_are_in_the_log(client, world, admin_user):
    from guichet.platforms.models import Instrument, Platform

    client.force_login(admin_user)
    platform = Platform.objects.get(key="cyto")
    response = submit(client, admin_url(Platform, "change", platform.pk), Platform,
                      {"managers": [str(world["member"].pk)]})
    assert response.status_code == 302, errors(response)
    event = AuditEvent.objects.get(action="platform.managers")
    assert event.changes == {"managers": [[world["manager"].email], [world["member"].email]]}

    aria = world["aria"]
    response = submit(client, admin_url(Instrument, "change", aria.pk), Instrument,
                      {"hourly_industry": "150.00", "closes_at": "18:00"})
    assert response.status_code == 302, errors(response)
    event = AuditEvent.objects.filter(entity_key="cyto.aria").latest("pk")
    assert event.changes["hourly_industry"][1] == "150.00"
    assert event.changes["closes_at"] == ["20:00:00", "18:00:00"]


# --- declaration campaigns, annual report ---
def declaration_read_only_samples(world):
    """One declaration of an open campaign and one draft annual report, for the read-only admins."""
    from guichet.declarations.models import Campaign, Declaration
    from guichet.impact.models import AnnualReport, ReportTemplate

    campaign = Campaign.objects.create(title="C", year=2025, deadline=timezone.localdate() + timedelta(days=9),
                                       status="open", created_by=world["member"])
    Declaration.objects.create(campaign=campaign, organization=world["org"])
    AnnualReport.objects.create(template=ReportTemplate.objects.get(key="france-2030"), year=2025,
                                as_of=timezone.localdate())
