"""Phone layout details the 390 px crawl cannot see (nothing scrolls sideways, yet a label is unreadable)."""

import pytest

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
