"""The e-mailed `/desk/r/<token>/` link (issue 9, defect 10): it expires, it is bound to its recipient, and a
confidential request is never opened by the link alone."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.desk import links, services

from .test_desk import people  # noqa: F401  (the named actors)

pytestmark = pytest.mark.django_db
OPEN_NEED = "Open need: a Quux assay for NK cells"
SECRET_NEED = "Confidential antibody against target Zorglub-7 for the Quixotic programme"


def mailed_link(recipient_email):
    for message in reversed(mail.outbox):
        if recipient_email in message.to:
            found = re.search(r"http://127\.0\.0\.1:8000(/desk/r/[^/\s]+/)", message.body)
            if found:
                return found.group(1)
    raise AssertionError("no follow link mailed")


@pytest.fixture
def open_request(people, django_capture_on_commit_callbacks, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        return services.request_submit(actor=people["requester"], text=OPEN_NEED,
                                       files=[SimpleUploadedFile("protocol.txt", b"assay protocol")])


@pytest.fixture
def secret_request(people, django_capture_on_commit_callbacks, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        return services.request_submit(actor=people["requester"], text=SECRET_NEED, confidential=True,
                                       files=[SimpleUploadedFile("plan.txt", b"secret plan")])


def test_the_mailed_link_opens_an_open_request_and_its_attachment_without_login(client, people, open_request):  # noqa: F811
    link = mailed_link(people["requester"].email)
    assert open_request.access_token not in link
    page = client.get(link)
    assert page.status_code == 200 and "Quux assay" in page.content.decode()
    href = re.search(r'href="(/desk/requests/\d+/attachments/\d+/\?t=[^"]+)"', page.content.decode()).group(1)
    response = client.get(href.replace("&amp;", "&"))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"assay protocol"
    # The requester can write through it too.
    assert client.post(link, {"body": "Any news?"}).status_code == 302
    assert open_request.messages.get().body == "Any news?"


def test_the_old_never_expiring_key_opens_nothing(client, secret_request, open_request):
    for request in (secret_request, open_request):
        assert client.get(f"/desk/r/{request.access_token}/").status_code == 404
        attachment = request.attachments.get()
        url = f"/desk/requests/{request.pk}/attachments/{attachment.pk}/?t={request.access_token}"
        assert client.get(url).status_code == 404


def test_a_confidential_request_needs_a_login_even_with_the_link(client, people, secret_request):  # noqa: F811
    link = mailed_link(people["requester"].email)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=") and f"/desk/requests/{secret_request.pk}/" in \
        response["Location"]
    assert "Quixotic" not in client.get(link, follow=True).content.decode()
    assert client.post(link, {"body": "sneaky"}).status_code == 302 and not secret_request.messages.exists()
    token = link.split("/")[3]
    attachment = secret_request.attachments.get()
    assert client.get(f"/desk/requests/{secret_request.pk}/attachments/{attachment.pk}/?t={token}").status_code == 404
    # Logged in as the requester, the link leads to the request.
    client.force_login(people["requester"])
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == f"/desk/requests/{secret_request.pk}/"
    assert "Quixotic" in client.get(response["Location"]).content.decode()


def test_the_link_expires(client, open_request, settings):
    settings.GUICHET_DESK_LINK_DAYS = 30
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 24 * 3600):
        old = links.follow_path(open_request, open_request.requester)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 29 * 24 * 3600):
        recent = links.follow_path(open_request, open_request.requester)
    response = client.get(old, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    body = response.content.decode()
    assert "This link has expired" in body and "30 days" in body and "Quux" not in body
    assert client.get(recent).status_code == 200
    settings.GUICHET_DESK_LINK_DAYS = 7
    assert client.get(recent).status_code == 410


def test_the_link_is_bound_to_its_recipient(client, people, open_request):  # noqa: F811
    link = mailed_link(people["requester"].email)
    # Someone else's session: the link does not act as the requester...
    client.force_login(people["guest"])
    response = client.get(link, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403 and "envoyé à quelqu'un d'autre" in response.content.decode()
    assert "Quux" not in response.content.decode()
    assert client.post(link, {"body": "as someone else"}).status_code == 403
    # ...and leads someone who may see the request to it, under their own name.
    client.force_login(people["outsider"])
    response = client.post(link, {"body": "as someone else"})
    assert response.status_code == 302 and response["Location"] == f"/desk/requests/{open_request.pk}/"
    assert not open_request.messages.exists()
    client.logout()
    # A link forged for another recipient or request does not verify.
    forged = links.follow_token(open_request, people["outsider"])
    assert client.get(f"/desk/r/{forged}/").status_code == 404
    token = link.split("/")[3]
    assert client.get(f"/desk/r/{token[:-3]}abc/").status_code == 404
    # A closed account's links are dead.
    people["requester"].is_active = False
    people["requester"].save()
    assert client.get(link).status_code == 404


def test_replacing_the_request_key_revokes_every_link(client, people, open_request):  # noqa: F811
    link = mailed_link(people["requester"].email)
    type(open_request).objects.filter(pk=open_request.pk).update(access_token="replaced-" + "x" * 30)
    assert client.get(link).status_code == 404
