"""Issue 12's new-user trial in Chromium: a team page on a phone (its tables scroll inside their box, the page never
sideways), a project's lines on a phone (each line a card naming its columns), and the account button's name whole
in the header at 1280 px."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from guichet.accounts.models import Membership
from guichet.bookings.models import Booking
from guichet.directory.models import Organization
from guichet.groups.models import GroupMembership, Project, ResearchGroup
from guichet.platforms.models import Instrument, Platform

from ..factories import UserFactory
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db):
    org = Organization.objects.create(key="lab-imm", name="Laboratoire d'immunologie translationnelle (exemple)",
                                      kind="research_lab")
    head = UserFactory(email="head@e2e.example", full_name="Member scientist (demo)")
    member = UserFactory(email="member@e2e.example", full_name="Camille Membre")
    for user in (head, member):
        Membership.objects.create(user=user, organization=org)
    group = ResearchGroup.objects.create(key="equipe-t", name="Équipe lymphocytes T (exemple fictif)", kind="team",
                                         organization=org)
    GroupMembership.objects.create(group=group, user=head, role="head", status="active", may_charge=True)
    GroupMembership.objects.create(group=group, user=member, status="active")
    for key, name in (("anr", "ANR Lymphocytes T (exemple fictif)"), ("inca", "INCa pilot study (fictional example)")):
        Project.objects.create(key=key, name=name, funder="ANR", grant_number=f"{key.upper()}-26-CE15-0000",
                               group=group, starts_on=date(2026, 1, 1), ends_on=date(2028, 12, 31),
                               budget=Decimal("8000.00"))
    return group


@pytest.mark.parametrize("email", ["head@e2e.example", "member@e2e.example"])
def test_the_team_page_fits_a_phone_and_its_tables_scroll_in_their_box(browser, live_server, team, email):
    page = login(browser, live_server, email, viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/groups/equipe-t/")
    width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('main table')).map(t => {
        const box = t.closest('.table-wrap');
        // On a phone the table itself (`.table`) or its box scrolls: either way, inside the box.
        const scrolls = box && (box.scrollWidth > box.clientWidth || t.scrollWidth > t.clientWidth);
        return box ? [box.getBoundingClientRect().right <= innerWidth + 1, scrolls] : null;
    })""")
    page.context.close()
    assert width <= inner == 390
    # Each table in its scroll box, the box within the screen; the projects' table is wider and scrolls in it.
    assert len(boxes) == 2 and all(b is not None and b[0] for b in boxes)
    assert boxes[1][1]


def test_the_account_buttons_name_is_whole_at_1280_px(browser, live_server, team):
    page = login(browser, live_server, "head@e2e.example", viewport={"width": 1280, "height": 800})
    page.goto(live_server.url + "/groups/equipe-t/")
    cut = page.evaluate("(el => el.scrollWidth > el.clientWidth)(document.querySelector('.user-link'))")
    header_height = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.context.close()
    assert not cut  # "Member scientist (de…" before
    assert width <= 1280 and header_height < 80  # and the header still holds on one row


def test_a_projects_seven_columns_are_all_readable_on_a_phone(browser, live_server, team):
    # At 390 px the lines' table showed 2 of its 7 columns and nothing said the rest was off screen: each line
    # is now a card, every value on screen after its column's name.
    from django.utils import timezone

    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=team.organization)
    sorter = Instrument.objects.create(key="cyto.aria", name="Cell sorter BD FACSAria Fusion (exemple)",
                                       platform=platform, hourly_academic=Decimal("50.00"))
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    Booking.objects.create(instrument=sorter, user=team.memberships.get(role="member").user,
                           organization=team.organization, project=Project.objects.get(key="anr"), start=start,
                           end=start + timedelta(hours=2), blocked_until=start + timedelta(hours=2),
                           status="confirmed")
    page = login(browser, live_server, "head@e2e.example", viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/groups/projects/anr/")
    width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    headers = page.evaluate("Array.from(document.querySelectorAll('#lines thead th')).map(th => th.textContent.trim())")
    cells = page.evaluate("""() => Array.from(document.querySelectorAll('#lines tbody tr:first-child td')).map(td => {
        const box = td.getBoundingClientRect();
        return [getComputedStyle(td, '::before').content.replace(/^"|"$/g, ''),
                box.left >= 0 && box.right <= innerWidth + 1 && box.width > 0, td.innerText];
    })""")
    table = page.evaluate("(t => [t.scrollWidth, t.clientWidth])(document.querySelector('#lines'))")
    page.context.close()
    assert width <= inner == 390 and table[0] <= table[1] + 1  # neither the page nor the table scrolls sideways
    assert len(cells) == 7 and [label for label, _, _ in cells] == headers
    assert all(on_screen for _, on_screen, _ in cells)  # every column of the line, on the screen
    assert "Cell sorter BD FACSAria Fusion (exemple)" in cells[3][2] and "100,00" in cells[6][2]


def test_the_heads_platform_choice_is_one_platform_a_line_on_a_phone(browser, live_server, team):
    # Found in the trial: the platforms' checkboxes ran on in one line at 390 px, each box beside the next name.
    for key, name in (("imaging", "Imagerie (CIML)"), ("cyto", "Plateforme de cytométrie (exemple fictif)")):
        platform = Platform.objects.create(key=key, name=name, organization=team.organization)
        for project in Project.objects.filter(group=team):
            project.platforms.add(platform)
    GroupMembership.objects.filter(group=team, role="member").update(may_charge=True)
    page = login(browser, live_server, "head@e2e.example", viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/groups/equipe-t/")
    page.locator("details.charge-edit summary").click()
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('.charge-platforms label')).map(l => {
        const r = l.getBoundingClientRect(), box = l.querySelector('input').getBoundingClientRect();
        return [r.top, r.bottom, box.left - r.left];
    })""")
    page.context.close()
    assert len(boxes) == 2
    (top1, bottom1, indent1), (top2, _bottom2, indent2) = boxes
    assert top2 >= bottom1 - 1  # the second platform starts below the first, not beside it
    assert abs(indent1 - indent2) < 2  # each box at the start of its own line
