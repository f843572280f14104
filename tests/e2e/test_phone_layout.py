"""Phone layout details the 390 px crawl cannot see (nothing scrolls sideways, yet a label is unreadable)."""

import pytest

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
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "manager@e2e.example")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/bookings/usage/cyto/")
    broken = page.evaluate(WORDS_BROKEN)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert broken == []
    assert width <= 391  # and the page itself still does not scroll sideways
