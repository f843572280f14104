"""Phone layout details the 390 px crawl cannot see (nothing scrolls sideways, yet a label is unreadable)."""

import pytest

from .conftest import login
from .test_booking_journey import platform  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_check_box_label_keeps_its_words_whole_on_a_phone(browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/desk/")
    label = page.locator("label:has(#id_confidential)")
    box = label.bounding_box()
    line = page.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight) || 24", label.element_handle())
    context.close()
    # "Confidentielle" broke into four lines ("Conf/iden/tiell/e") beside its help text.
    assert box["height"] < 1.6 * line


# Each table cell is at least as wide as its longest word (measured in the cell's own font): a table too wide
# for a phone scrolls inside its box, it never breaks "Équipement" into one letter per line.
WORDS_BROKEN = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  const broken = [];
  for (const cell of document.querySelectorAll("main table th, main table td")) {
    const style = getComputedStyle(cell);
    ctx.font = style.font;
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of cell.innerText.split(/\\s+/)) {
      if (word && word.length <= 30 && ctx.measureText(word).width > room + 1) broken.push(word);
    }
  }
  return broken;
}"""


def test_table_cells_keep_their_words_whole_on_a_phone(browser, live_server, platform):  # noqa: F811
    platform["aria"].name = "Trieur cellulaire 4 voies (exemple fictif)"
    platform["aria"].save()
    page = login(browser, live_server, "manager@e2e.example", timeout=30000, viewport={"width": 390, "height": 844})
    context = page.context
    page.goto(live_server.url + "/bookings/usage/cyto/")
    broken = page.evaluate(WORDS_BROKEN)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert broken == []
    assert width <= 391  # and the page itself still does not scroll sideways


@pytest.mark.parametrize("width", [390, 900])
def test_the_account_menu_opens_with_a_tap_on_a_phone_and_a_tablet(browser, live_server, platform, width):  # noqa: F811
    # The trial of issue 15 found "My account" and "Log out" out of reach at 960 px and below: the rule that makes
    # the navigation's group headings inert on small screens made the account button inert too.
    page = login(browser, live_server, "manager@e2e.example", timeout=30000,
                 viewport={"width": width, "height": 844}, has_touch=True)
    context = page.context
    page.locator(".account-menu .menu-button").tap()
    account = page.locator("#menu-account a", has_text="Mon compte")
    account.wait_for(state="visible", timeout=5000)
    logout = page.locator("#menu-account button[type=submit]")
    visible = logout.is_visible()
    account.tap()
    page.wait_for_url(live_server.url + "/accounts/me/")
    context.close()
    assert visible


# No row of a table grows tall on a phone: columns keep a readable width and the table scrolls inside its box (the
# trial of issue 15 found the usage report's, the invoices' and the desk inbox's rows six to ten lines tall).
TALLEST_ROW = ("() => Math.max(0, ...Array.from(document.querySelectorAll('main table tbody tr'))"
               ".map(r => r.getBoundingClientRect().height))")


def test_table_rows_stay_a_few_lines_tall_on_a_phone(browser, live_server, platform):  # noqa: F811
    platform["aria"].name = "Trieur cellulaire 4 voies (exemple fictif) du laboratoire"
    platform["aria"].save()
    page = login(browser, live_server, "manager@e2e.example", timeout=30000, viewport={"width": 390, "height": 844})
    context = page.context
    page.goto(live_server.url + "/bookings/usage/cyto/")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main table td')).lineHeight) || 24")
    tallest = page.evaluate(TALLEST_ROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert tallest <= 5 * line  # 159 px (six lines and more) before
    assert width <= 391


def test_audit_log_rows_stay_compact_on_a_phone(browser, live_server, platform):  # noqa: F811
    # The trial of issue 15 found audit rows up to 664 px tall at 390 px: an instrument's creation lists 18 fields and
    # an organization's description runs past 400 characters.
    from django.db import transaction

    from guichet.core.audit import audit_record

    from ..conftest import make_user

    make_user("auditor@e2e.example", "staff")
    with transaction.atomic():
        audit_record(actor=None, action="instrument.create", entity_type="instrument", entity_key="1",
                     entity_label="Cytomètre", changes={f"field_{n}": [None, n] for n in range(18)})
        audit_record(actor=None, action="organization.update", entity_type="organization", entity_key="2",
                     entity_label="Labo", changes={"description": ["", "Démonstrateur pré-industriel " * 20]})
    page = login(browser, live_server, "auditor@e2e.example", timeout=30000, viewport={"width": 390, "height": 844})
    context = page.context
    page.goto(live_server.url + "/staff/audit/")
    tallest = page.evaluate(TALLEST_ROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.locator(".audit-value summary").first.click()
    full = page.locator(".audit-full").first.is_visible()
    context.close()
    assert tallest <= 240  # 664 px before
    assert width <= 391
    assert full  # the whole value, one tap away


def test_a_long_project_name_does_not_widen_the_booking_page_on_a_phone(browser, live_server, platform):  # noqa: F811
    # The trial of issue 15: "Aucun projet (centre de coûts seulement)" and the demo's project names made the
    # booking page 514 px wide at 390. The list is the one calendar.html renders when the member has projects.
    page = login(browser, live_server, "trained@e2e.example", timeout=30000, viewport={"width": 390, "height": 844})
    context = page.context
    page.goto(live_server.url + "/bookings/instruments/cyto.spectral/")
    page.evaluate("""() => {
      const label = document.createElement("label");
      label.innerHTML = 'Projet qui paie <select name="project"><option>Aucun projet (centre de coûts seulement)'
        + '</option><option>Programme INCa pilote : immunothérapie du lupus par anticorps bispécifiques</option></select>';
      document.querySelector(".book-options").appendChild(label);
    }""")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 391


@pytest.mark.parametrize("width", [390, 1280])
def test_a_nine_digit_kpi_stays_inside_its_card(browser, live_server, width):
    # The trial of issue 15: the impact dashboard's "118,871,975" (economic impact) ran past its card at 1280 px.
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/impact/public/")
    overflow = page.evaluate("""() => [...document.querySelectorAll('.kpis li strong')].map(strong => {
      strong.textContent = '118,871,975';
      return strong.scrollWidth - strong.clientWidth;
    }).filter(extra => extra > 0)""")
    count = page.locator('.kpis li strong').count()
    context.close()
    assert count > 0 and overflow == []


SHOTS = __import__("os").environ.get("GUICHET_SHOTS", "")  # a folder: the tests below leave their screenshots there


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _language(context, live_server, language):
    from django.conf import settings

    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


def _audit_events():
    from django.db import transaction

    from guichet.core.audit import audit_record

    from ..conftest import make_user

    with transaction.atomic():
        audit_record(actor=None, action="booking.create", entity_type="booking", entity_key="1",
                     entity_label="Cytomètre spectral — 21/12/2026 09:00",
                     changes={"status": [None, "confirmed"], "start": [None, "2026-12-21T08:00:00+00:00"],
                              "end": [None, "2026-12-21T09:00:00+00:00"]})
        audit_record(actor=None, action="instrument.update", entity_type="instrument", entity_key="2",
                     entity_label="Cytomètre", changes={"bookable": [False, True],
                                                       "hourly_academic": ["1234.50", "80.00"]})
        audit_record(actor=None, action="instrument.create", entity_type="instrument", entity_key="3",
                     entity_label="Cytomètre", changes={f"field_{n}": [None, n] for n in range(18)})
        # what the demo's log holds: an organization's long texts, beside a long e-mail address
        audit_record(actor=make_user("responsable.plateforme.cytometrie@marseille-immunology.example", "staff"),
                     action="organization.update", entity_type="organization", entity_key="org.ciml",
                     entity_label="Centre d'Immunologie de Marseille-Luminy (CIML, Inserm, CNRS, AMU)",
                     changes={"description": ["Unité mixte de recherche en immunologie fondamentale " * 3,
                                              "Centre de recherche en immunologie fondamentale et translationnelle " * 3],
                              "keywords": [["cytométrie", "imagerie"], ["cytométrie", "imagerie", "anticorps"]],
                              "website": ["https://www.ciml.univ-mrs.fr/recherche/equipes-et-plateformes",
                                          "https://www.ciml.univ-mrs.fr/fr/recherche/plateformes-technologiques"]})


@pytest.mark.parametrize("language", ["fr", "en"])
def test_audit_rows_are_compact_on_a_desktop(browser, live_server, platform, language):  # noqa: F811
    # The trial of issue 15 measured audit rows 188 px tall at 1280 px: three short changes took a card each.
    from ..conftest import make_user

    make_user("auditor@e2e.example", "staff")
    _audit_events()
    page = login(browser, live_server, "auditor@e2e.example", timeout=30000, viewport={"width": 1280, "height": 800})
    context = page.context
    _language(context, live_server, language)
    page.goto(live_server.url + "/staff/audit/")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main table td')).lineHeight) || 24")
    tallest = page.evaluate(TALLEST_ROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    _shot(page, f"audit-{language}-1280")
    context.close()
    assert tallest <= 4.5 * line, tallest  # three changes on three lines, with the cell's padding
    assert width <= 1280


# The smallest text a chart draws, as the reader sees it (an SVG's text shrinks with its viewBox).
SMALLEST_CHART_TEXT = """() => Math.min(...Array.from(document.querySelectorAll('figure.chart *'))
  .filter(el => el.childElementCount === 0 && el.textContent.trim())
  .map(el => el.getBoundingClientRect().height))"""


@pytest.mark.parametrize("width, language", [(390, "fr"), (1280, "fr"), (390, "en"), (1280, "en")])
def test_the_usage_chart_is_readable_on_a_phone_and_a_desktop(browser, live_server, platform, width,  # noqa: F811
                                                                language):
    # The trial of issue 15: a 700-unit SVG drawn in 340 px wrote its names and percentages 6 px tall at 390 px.
    platform["aria"].name = "Trieur cellulaire 4 voies (exemple fictif) du laboratoire"
    platform["aria"].save()
    page = login(browser, live_server, "manager@e2e.example", timeout=30000, viewport={"width": width, "height": 844})
    context = page.context
    _language(context, live_server, language)
    page.goto(live_server.url + "/bookings/usage/cyto/")
    smallest = page.evaluate(SMALLEST_CHART_TEXT)
    names = page.locator("figure.chart").inner_text()
    scroll = page.evaluate("document.documentElement.scrollWidth")
    _shot(page, f"usage-{language}-{width}")
    context.close()
    assert smallest >= 12, smallest
    assert "Trieur cellulaire 4 voies (exemple fictif) du laboratoire" in names  # never cut to 30 characters
    assert scroll <= width


def test_a_table_with_a_hidden_column_heading_does_not_make_the_page_scroll_sideways(browser, live_server):
    # The trial (t1q) found a service's sample form 731 px wide at 390 px: its "Actions" heading is visually hidden
    # (position: absolute), and a table that scrolls inside its box was not its containing block, so the hidden
    # heading, far right in the wide table, widened the page itself.
    from guichet.facility.models import SampleField
    from guichet.platforms.models import Service

    from .test_facility_journeys import cytometry

    world = cytometry()
    service = Service.objects.create(key="cyto.sort", name="Tri cellulaire assisté (exemple fictif)",
                                     platform=world["platform"], unit="hour")
    SampleField.objects.create(service=service, label="Nombre d'échantillons", kind="integer", required=True,
                               min_value=1, max_value=96)
    SampleField.objects.create(service=service, label="Espèce", kind="choice", choices="Humain\nSouris\nRat")
    page = login(browser, live_server, "manager@e2e.example", timeout=30000, viewport={"width": 390, "height": 844})
    context = page.context
    page.goto(live_server.url + "/facility/services/cyto.sort/sample-form/")
    rows = page.locator("#sample-fields tbody tr").count()
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert rows == 2
    assert width <= 391
