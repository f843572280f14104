"""The outbox's message page: staff read each e-mail the demo sent, whole, in development only.

The page shows what the recipient gets (headers, the language it was written in, the plain text with its
links, the HTML version when there is one); with GUICHET_OUTBOX_BODIES off (production) it does not exist.
"""

import pytest
from django.core import mail
from django.core.mail import send_mail

from guichet.core.mail import LANGUAGE_HEADER, OUTBOX_BACKEND, notify
from guichet.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def bodies_on(settings):
    settings.GUICHET_OUTBOX_BODIES = True
    return settings


def test_staff_open_an_email_from_the_list_and_read_it_whole(bodies_on, client, staff, member,
                                                             django_capture_on_commit_callbacks):
    member.language = "en"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify([member], "desk_closed", {"request": _request(member)})
    client.force_login(staff)
    listing = client.get("/staff/outbox/").content.decode()  # development: every e-mail, not only problems
    link = f'href="/staff/outbox/{message.pk}/"'
    assert link in listing
    page = client.get(f"/staff/outbox/{message.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert message.subject in html
    assert "member@test.example" in html
    assert "Anglais" in html  # the recipient's language, by name, in the page's language (French here)
    assert "<dt>De</dt>" in html and "<dt>À</dt>" in html  # an e-mail's From and To, not a period's "Du / Au"
    first_line = next(line for line in message.body.splitlines() if line.strip())
    assert first_line.replace("'", "&#x27;") in html
    assert 'href="http' in html  # the e-mail's links can be followed from the page


def test_the_language_is_the_one_the_email_was_written_in(bodies_on, client, staff, member,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify([member], "desk_closed", {"request": _request(member)})
    assert message.headers[LANGUAGE_HEADER] == "fr"
    assert mail.outbox[-1].extra_headers[LANGUAGE_HEADER] == "fr"  # it travels with the e-mail too
    client.force_login(staff)
    client.cookies["guichet_language"] = "en"
    assert "<dd>French</dd>" in client.get(f"/staff/outbox/{message.pk}/").content.decode()


def test_an_html_email_shows_rendered_in_a_sandbox_and_as_source(bodies_on, client, staff,
                                                                 django_capture_on_commit_callbacks):
    bodies_on.EMAIL_BACKEND, bodies_on.GUICHET_EMAIL_DELIVERY_BACKEND = OUTBOX_BACKEND, LOCMEM  # as in the demo
    with django_capture_on_commit_callbacks(execute=True):  # Django's own senders (password reset) write here
        send_mail("Reset", "plain words", None, ["someone@test.example"],
                  html_message='<p>rich <a href="https://x.example/">words</a></p><script>alert(1)</script>')
    assert mail.outbox[-1].alternatives  # delivered with its HTML version
    message = OutboxMessage.objects.get(subject="Reset")
    client.force_login(staff)
    html = client.get(f"/staff/outbox/{message.pk}/").content.decode()
    assert "plain words" in html
    assert 'sandbox=""' in html and "srcdoc=" in html
    assert "<script>alert(1)</script>" not in html  # escaped, in the sandboxed frame and in the source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_without_the_setting_the_page_does_not_exist_and_the_list_has_no_links(settings, client, staff, member,
                                                                             django_capture_on_commit_callbacks):
    settings.GUICHET_OUTBOX_BODIES = False
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify([member], "desk_closed", {"request": _request(member)})
    client.force_login(staff)
    assert client.get(f"/staff/outbox/{message.pk}/").status_code == 404
    listing = client.get("/staff/outbox/?status=all").content.decode()
    assert message.subject in listing
    assert f"/staff/outbox/{message.pk}/" not in listing


def test_only_staff_read_emails(bodies_on, client, member, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify([member], "desk_closed", {"request": _request(member)})
    url = f"/staff/outbox/{message.pk}/"
    assert client.get(url).status_code == 302
    for user in (member, manager):
        client.force_login(user)
        assert client.get(url).status_code == 403


def _request(member):
    from guichet.desk.models import Need

    return Need.objects.create(requester=member, title="Trieur de cellules", language="fr",
                                  text="Nous cherchons un trieur de cellules")
