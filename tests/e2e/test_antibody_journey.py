"""Antibody assessment in Chromium: paste two antibodies, read the report with CDRs and liabilities."""

import pytest

from ..factories import UserFactory
from ..test_antibodies import TRASTUZUMAB_VH, TRASTUZUMAB_VL
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PERTUZUMAB_VH = ("EVQLVESGGGLVQPGGSLRLSCAASGFTFTDYTMDWVRQAPGKGLEWVADVNPNSGGSIYNQRFKGRFTLSVDRSKNTLYLQMNSLRAEDTAVYY"
                 "CARNLGPSFYFDYWGQGTLVTVSS")
PERTUZUMAB_VL = ("DIQMTQSPSSLSASVGDRVTITCKASQDVSIGVAWYQQKPGKAPKLLIYSASYRYTGVPSRFSGSGSGTDFTLTISSLQPEDFATYYCQQYYIYP"
                 "YTFGQGTKVEIK")


def test_paste_two_antibodies_and_read_the_report(browser, live_server, transactional_db):
    UserFactory(email="ab@e2e.example")
    page = login(browser, live_server, "ab@e2e.example")
    page.goto(live_server.url + "/antibodies/")
    page.fill("#id_title", "Two anti-HER2")
    page.fill("#id_text", f">trastuzumab_VH\n{TRASTUZUMAB_VH}\n>trastuzumab_VL\n{TRASTUZUMAB_VL}\n"
                          f">pertuzumab_VH\n{PERTUZUMAB_VH}\n>pertuzumab_VL\n{PERTUZUMAB_VL}\n")
    # The live server's first assessment loads the humanness database (promb, about 10 s on a busy machine).
    with page.expect_navigation(url="**/antibodies/*/", timeout=90000):
        page.click("main form button[type=submit]")
    assert page.locator("article.antibody").count() == 2
    first = page.locator("article.antibody").first
    assert first.locator(".sequence .r-cdr3").first.inner_text() == "SRWGGDGFYAMDY"
    assert "Isomérisation" in first.inner_text() and "IGHV3-66" in first.inner_text()  # labels, in French
    assert "pertuzumab" in page.locator("article.antibody").nth(1).inner_text()
    with page.expect_download() as info:
        page.click("#export-pdf")
    import io

    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(open(info.value.path(), "rb").read())).pages)
    assert "SRWGGDGFYAMDY" in text.replace(" ", "").replace("\n", "") and "IGHV3-66" in text
