"""Desk attachments get the checks of every other upload (core/uploads.py): size, extension, and what the
first bytes say the file is; a refused file names itself, in the requester's language, and nothing is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape

from guichet.accounts.models import Role
from guichet.desk import services
from guichet.desk.models import Attachment, Need

from .conftest import make_user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture
def requester(db):
    return make_user("requester@desk-files.example", Role.MEMBER)


def submit(requester, *files):
    return services.request_submit(actor=requester, text="Nous cherchons un tri cellulaire de lymphocytes T",
                                   files=list(files))


@pytest.mark.parametrize("name, content", [
    ("protocol.pdf", b"MZ\x90\x00\x03 a Windows program renamed"),   # a program named .pdf
    ("figure.png", b"GIF89a not a png"),
    ("notes.txt", b"text with a NUL\x00 byte"),
    ("tool.exe", b"MZ\x90\x00"),                                        # not an accepted type at all
    ("no-extension", b"%PDF-1.7"),
])
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_kept(requester, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(services.DeskError) as refused:
        submit(requester, SimpleUploadedFile("fine.txt", b"a first, good file"),
               SimpleUploadedFile(name, content))
    assert name in str(refused.value)
    assert not Need.objects.exists() and not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))  # no file written either


def test_real_files_of_accepted_types_are_kept(requester, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = submit(requester, SimpleUploadedFile("plan.pdf", PDF), SimpleUploadedFile("gel.png", PNG),
                     SimpleUploadedFile("samples.csv", "échantillon;volume\nA;2\n".encode()))
    assert sorted(request.attachments.values_list("name", flat=True)) == ["gel.png", "plan.pdf", "samples.csv"]
    stored = {a.name: a.file.read() for a in request.attachments.all()}
    assert stored["plan.pdf"] == PDF and stored["gel.png"] == PNG


def test_the_refusal_is_translated_on_the_page(requester, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(requester)
    client.cookies["guichet_language"] = "fr"
    upload = SimpleUploadedFile("contrat.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post("/desk/", {"text": "Nous cherchons un tri cellulaire", "files": [upload]})
    page = response.content.decode()
    assert response.status_code == 200 and not Need.objects.exists()
    with translation.override("fr"):
        expected = translation.gettext("The file %(name)s is not a real .%(ext)s file.") % {
            "name": "contrat.pdf", "ext": "pdf"}
    assert expected != "The file contrat.pdf is not a real .pdf file." and escape(expected) in page


def test_the_size_limit_still_holds(requester, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GUICHET_DESK_MAX_ATTACHMENT_MB = 1
    with translation.override("en"), pytest.raises(services.DeskError, match="larger than 1 MB"):
        submit(requester, SimpleUploadedFile("big.pdf", PDF + b"x" * (1024 * 1024)))
    assert not Need.objects.exists()
