"""Antibody assessment on real therapeutics and on sequences built to trip each rule."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from guichet.antibodies import engine

TRASTUZUMAB_VH = ("EVQLVESGGGLVQPGGSLRLSCAASGFNIKDTYIHWVRQAPGKGLEWVARIYPTNGYTRYADSVKGRFTISADTSKNTAYLQMNSLRAEDTAVYY"
                  "CSRWGGDGFYAMDYWGQGTLVTVSS")
TRASTUZUMAB_VL = ("DIQMTQSPSSLSASVGDRVTITCRASQDVNTAVAWYQQKPGKAPKLLIYSASFLYSGVPSRFSGSRSGTDFTLTISSLQPEDFATYYCQQHYTTP"
                  "PTFGQGTKVEIK")


def content(response) -> bytes:
    """The body of a response, streamed (the batch exports) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture(scope="module")
def trastuzumab():
    return engine.assess("trastuzumab", TRASTUZUMAB_VH, TRASTUZUMAB_VL)


def test_trastuzumab_germlines_and_cdrs(trastuzumab):
    h, light = trastuzumab.heavy, trastuzumab.light
    assert h.chain_type == "H" and light.chain_type == "K"
    assert h.v_gene.startswith("IGHV3-66") and light.v_gene.startswith("IGKV1-39")
    assert h.cdrs["cdr3"] == "SRWGGDGFYAMDY"  # IMGT CDR-H3
    assert 0.8 < h.v_identity < 0.9 and 0.8 < light.v_identity < 0.95
    assert "104" in h.imgt and "100A" in h.kabat


def test_cdr_definitions_are_selectable():
    kabat = engine.assess("t", TRASTUZUMAB_VH, TRASTUZUMAB_VL, cdr_scheme="kabat").heavy.cdrs
    chothia = engine.assess("t", TRASTUZUMAB_VH, TRASTUZUMAB_VL, cdr_scheme="chothia").heavy.cdrs
    assert kabat["cdr3"] == "WGGDGFYAMDY" and kabat["cdr1"] == "DTYIH"
    assert chothia["cdr1"] == "GFNIKDT" and chothia["cdr2"] == "YPTNGY"


def test_humanness_and_developability_against_the_reference(trastuzumab):
    hum = trastuzumab.humanness["heavy"]
    assert 0 < hum["oasis_9mer"] <= 1 and 0 <= hum["oasis_9mer_percentile"] <= 100
    dev = trastuzumab.developability
    assert dev["total_cdr_length"]["value"] == sum(len(c) for c in [*trastuzumab.heavy.cdrs.values(),
                                                                    *trastuzumab.light.cdrs.values()])
    assert dev["total_cdr_length"]["band"] in ("green", "amber", "red")
    assert all(v["estimate"] == "sequence-based estimate" for v in dev.values())


def test_trastuzumab_liabilities_are_found_in_place(trastuzumab):
    found = {(x.kind, x.motif, x.region) for x in trastuzumab.heavy.liabilities}
    # NG in CDR-H2 (RIYPTNGYTR) and DG in CDR-H3 (WGGDGFY) are trastuzumab's known hot spots.
    assert ("deamidation", "NG", "cdr2") in found and ("isomerization", "DG", "cdr3") in found
    assert ("oxidation", "W", "cdr3") in found
    assert not any(x.kind == "unpaired cysteine" for x in trastuzumab.heavy.liabilities)


@pytest.mark.parametrize("mutation, kind", [
    (("DTYIH", "NTSIH"), "N-glycosylation"),   # N-T-S: N[^P][ST]
    (("AMDY", "AMCY"), "unpaired cysteine"),
])
def test_each_rule_fires_on_a_sequence_built_for_it(mutation, kind):
    mutated = TRASTUZUMAB_VH.replace(*mutation)
    assert any(x.kind == kind for x in engine.assess_chain(mutated).liabilities)
    assert not any(x.kind == kind for x in engine.assess_chain(TRASTUZUMAB_VH).liabilities)


def test_nglyc_rule_ignores_proline():
    assert not any(x.kind == "N-glycosylation" for x in engine.liabilities("ANPSA", ["cdr1"] * 5, ["1"] * 5))
    assert [x.motif for x in engine.liabilities("ANASA", ["cdr1"] * 5, ["1"] * 5)
            if x.kind == "N-glycosylation"] == ["NAS"]


@pytest.mark.parametrize("sequence, error", [
    (TRASTUZUMAB_VH[:50] + "*" + TRASTUZUMAB_VH[51:], "stop codon"),
    (TRASTUZUMAB_VH[:50] + "BZ" + TRASTUZUMAB_VH[52:], "not amino-acid letters"),
    ("MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVVHSLAKWKRQTLGQ", "not an antibody"),
    (TRASTUZUMAB_VH[:70], "truncated"),
])
def test_bad_sequences_get_a_clear_error(sequence, error):
    from django.utils import translation

    with translation.override("en"):
        assert any(error in e for e in engine.assess_chain(sequence).errors)
    with translation.override("fr"):
        assert engine.assess_chain(sequence).errors and not any(error in e for e in engine.assess_chain(sequence).errors)


def test_a_batch_goes_on_past_a_bad_antibody():
    fasta = (f">good_VH\n{TRASTUZUMAB_VH}\n>good_VL\n{TRASTUZUMAB_VL}\n"
             f">bad_VH\n{TRASTUZUMAB_VH[:40]}XX*\n>bad_VL\n{TRASTUZUMAB_VL}\n")
    from django.utils import translation

    with translation.override("en"):
        reports = {r.name: r for r in engine.assess_batch(fasta)}
    assert not reports["good"].heavy.errors and reports["bad"].heavy.errors
    assert not reports["bad"].light.errors
    csv_text = f"name,heavy,light\ntrastuzumab,{TRASTUZUMAB_VH},{TRASTUZUMAB_VL}\n"
    assert engine.assess_batch(csv_text)[0].heavy.cdrs["cdr3"] == "SRWGGDGFYAMDY"


@pytest.mark.slow
def test_command_line_json(tmp_path, db):
    path = tmp_path / "t.fasta"
    path.write_text(f">tras H\n{TRASTUZUMAB_VH}\n>tras L\n{TRASTUZUMAB_VL}\n")
    out = StringIO()
    call_command("assess", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data[0]["name"] == "tras" and data[0]["heavy"]["v_gene"].startswith("IGHV3-66")


def test_a_large_batch_shared_by_processes_gives_the_same_reports_in_order(tmp_path, db):
    """`guichet assess --jobs 2` forks once the engine is loaded; the answer is the one process's, in order."""
    from guichet.antibodies.management.commands.assess import PARALLEL_FROM

    count = PARALLEL_FROM + 3
    path = tmp_path / "batch.fasta"
    path.write_text("".join(f">ab{i} H\n{TRASTUZUMAB_VH[: len(TRASTUZUMAB_VH) - i % 3]}\n>ab{i} L\n{TRASTUZUMAB_VL}\n"
                            for i in range(count)))
    answers = []
    for jobs in ("1", "2"):
        out = StringIO()
        call_command("assess", str(path), "--json", "--jobs", jobs, stdout=out)
        answers.append(json.loads(out.getvalue()))
    assert [r["name"] for r in answers[1]] == [f"ab{i}" for i in range(count)]
    assert answers[0] == answers[1]


def test_the_9mer_source_is_promb_s_file_found_without_importing_promb():
    from guichet.antibodies import kmers

    path = kmers.source_path()
    from promb.db import HUMAN_OASIS_DB_PATH

    assert str(path) == HUMAN_OASIS_DB_PATH and path.is_file()


@pytest.mark.django_db
def test_api_assess_needs_a_member_and_answers_the_export_json(client):
    from guichet.accounts.models import Role
    from guichet.accounts.services import api_token_create

    from .conftest import make_user

    payload = {"text": f">x_H\n{TRASTUZUMAB_VH}\n>x_L\n{TRASTUZUMAB_VL}\n"}
    assert client.post("/api/v1/antibodies/assess", payload, content_type="application/json").status_code == 401
    raw = api_token_create(actor=make_user("ab@t.example", Role.MEMBER), name="t")[1]
    response = client.post("/api/v1/antibodies/assess", payload, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()[0]["light"]["v_gene"].startswith("IGKV1-39")
    bad = client.post("/api/v1/antibodies/assess", {"text": "hello"}, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="fr")
    # Neither FASTA nor name,heavy,light: the schema's pattern says so (422), naming the field, in French.
    assert bad.status_code == 422 and bad.json()["field"] == "text"
    assert bad.json()["errors"][0]["message"] == "Pas au format attendu."


def test_reference_is_built_from_approved_therapeutics():
    ref = engine.reference()
    assert ref["count"] >= 80 and "Thera-SAbDab" in ref["provenance"]
    assert ref["metrics"]["total_cdr_length"] == sorted(ref["metrics"]["total_cdr_length"])


@pytest.mark.django_db
def test_workspace_is_private_to_its_owner_and_optionally_their_organization(client):
    from guichet.accounts.models import Membership, Role
    from guichet.antibodies.models import Assessment
    from guichet.directory.models import Organization

    from .conftest import make_user

    org = Organization.objects.create(key="ab-lab", name="Lab", kind="research_lab")
    owner, colleague, stranger, staff = (make_user(f"{n}@ab.example", r) for n, r in [
        ("owner", Role.MEMBER), ("colleague", Role.MEMBER), ("stranger", Role.MEMBER), ("staff", Role.STAFF)])
    for user in (owner, colleague):
        Membership.objects.create(user=user, organization=org)
    client.force_login(owner)
    fasta = f">tras_VH\n{TRASTUZUMAB_VH}\n>tras_VL\n{TRASTUZUMAB_VL}\n"
    response = client.post("/antibodies/", {"title": "Batch 1", "text": fasta, "cdr_scheme": "imgt"})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and not assessment.shared_with_organization
    from guichet.core.models import AuditEvent

    event = AuditEvent.objects.get(action="assessment.create")  # written through its service, audited
    assert event.actor == owner and event.entity_key == str(assessment.pk)
    page = client.get(f"/antibodies/{assessment.pk}/").content.decode()
    assert "SRWGGDGFYAMDY" in page and "IGHV3-66" in page
    exported = json.loads(content(client.get(f"/antibodies/{assessment.pk}.json")))
    assert exported[0]["heavy"]["cdrs"]["cdr3"] == "SRWGGDGFYAMDY"
    assert "SRWGGDGFYAMDY" in content(client.get(f"/antibodies/{assessment.pk}.csv")).decode()
    for user in (colleague, stranger, staff):
        client.force_login(user)
        assert client.get(f"/antibodies/{assessment.pk}/").status_code == 404
        assert client.get(f"/antibodies/{assessment.pk}.json").status_code == 404
    Assessment.objects.filter(pk=assessment.pk).update(shared_with_organization=True)
    client.force_login(colleague)
    assert client.get(f"/antibodies/{assessment.pk}/").status_code == 200
    client.force_login(stranger)
    assert client.get(f"/antibodies/{assessment.pk}/").status_code == 404


@pytest.mark.django_db
def test_workspace_form_errors_are_clear(client):
    from guichet.accounts.models import Role

    from .conftest import make_user

    client.force_login(make_user("e@ab.example", Role.MEMBER))
    response = client.post("/antibodies/", {"title": "x", "text": "", "cdr_scheme": "imgt"})
    assert response.status_code == 200 and response.context["form"].errors["text"]
    response = client.post("/antibodies/", {"title": "x", "text": "just words", "cdr_scheme": "imgt"})
    assert response.context["form"].errors["text"]


@pytest.mark.parametrize("kind, with_motif, without_motif", [
    ("N-glycosylation", "AANVTAA", "AANPTAA"),
    ("deamidation", "AANGAA", "AANAAA"),
    ("isomerization", "AADGAA", "AADAAA"),
    ("oxidation", "AAMAAW", "AAAAAA"),
    ("unpaired cysteine", "AACAAA", "AAAAAA"),
])
def test_each_liability_rule_with_and_without_its_motif(kind, with_motif, without_motif):
    regions, numbering = ["cdr3"] * 7, ["1"] * 7
    assert any(x.kind == kind for x in engine.liabilities(with_motif, regions, numbering))
    assert not any(x.kind == kind for x in engine.liabilities(without_motif, regions, numbering))
    # Oxidation counts in CDRs only.
    if kind == "oxidation":
        assert not any(x.kind == kind for x in engine.liabilities(with_motif, ["fmwk1"] * 7, numbering))


@pytest.mark.django_db
def test_owner_links_an_assessment_to_their_programme(client):
    from guichet.accounts.models import Membership, Role
    from guichet.antibodies.models import Assessment
    from guichet.directory.models import Organization
    from guichet.programmes.models import Programme

    from .conftest import make_user

    org = Organization.objects.create(key="ab-co", name="AbCo", kind="startup")
    owner, other = make_user("o@ab.example", Role.MEMBER), make_user("x@ab.example", Role.MEMBER)
    Membership.objects.create(user=owner, organization=org)
    programme = Programme.objects.create(code="AB-9", name="Abnine", owner=org, target="X", format="monoclonal",
                                         visibility="public")
    assessment = Assessment.objects.create(owner=owner, organization=org, title="Lead panel", result=[])
    client.force_login(owner)
    client.post(f"/antibodies/{assessment.pk}/", {"programme": "AB-9"})
    assert Assessment.objects.get().programme == programme
    from guichet.core.models import AuditEvent

    assert AuditEvent.objects.get(action="assessment.link").changes == {"programme": [None, "AB-9"]}
    assert "Lead panel" in client.get("/programmes/AB-9/").content.decode()
    client.force_login(other)
    assert "Lead panel" not in client.get("/programmes/AB-9/").content.decode()
    client.post(f"/antibodies/{assessment.pk}/", {"programme": ""})
    assert Assessment.objects.get().programme == programme  # not theirs: nothing changes (and 404)


def visible_text(html: str) -> str:
    """What a reader sees: text nodes and tooltips, not classes or ids."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

        def handle_starttag(self, tag, attrs):
            self.parts.extend(v for k, v in attrs if k in ("title", "aria-label") and v)

    parser = Text()
    parser.parts = []
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.django_db
@pytest.mark.parametrize("language, words, codes", [
    ("fr", ["Désamidation", "Isomérisation", "Longueur totale des CDR", "Charpente", "anticorps thérapeutiques"],
     ["deamidation", "isomerization", "total_cdr_length", "fv_charge_asymmetry", "fmwk", ">green<", ">amber<",
      "shared/data", "guichet.antibodies"]),
    ("en", ["Deamidation", "Isomerization", "Total CDR length", "Framework", "approved therapeutic antibodies"],
     ["total_cdr_length", "fv_charge_asymmetry", "fmwk", ">green<", ">amber<", "shared/data", "guichet.antibodies"]),
])
def test_the_report_page_shows_labels_not_codes(client, language, words, codes):
    from guichet.accounts.models import User

    client.force_login(User.objects.create_user("reader@example.org", "x", language=language))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    fasta = f">trastuzumab_VH\n{TRASTUZUMAB_VH}\n>trastuzumab_VL\n{TRASTUZUMAB_VL}\n"
    client.post("/antibodies/", {"title": "Batch", "text": fasta, "cdr_scheme": "imgt"})
    from guichet.antibodies.models import Assessment

    page = client.get(f"/antibodies/{Assessment.objects.get().pk}/").content.decode()
    assert all(w in page for w in words), [w for w in words if w not in page]
    visible = visible_text(page.split("<main", 1)[1])
    assert [c for c in codes if c.strip("<>") in visible.split() or c in visible] == []


# Issue 9, defect 7: an 8.9 MB antibody post held a gunicorn worker past its 30 s timeout. The input is
# bounded before the engine runs: the text's length, the batch's size, each chain's length.

def _batch(count: int) -> str:
    return "".join(f">ab{i}_VH\n{TRASTUZUMAB_VH}\n>ab{i}_VL\n{TRASTUZUMAB_VL}\n" for i in range(count))


def test_a_chain_longer_than_any_antibody_is_refused_without_numbering_it(monkeypatch):
    def no_engine(*args, **kwargs):
        raise AssertionError("the numbering engine ran on a sequence refused by its length")

    monkeypatch.setattr(engine, "_annotator", no_engine)
    from django.utils import translation

    with translation.override("en"):
        report = engine.assess_chain("ACDEFGHIKLMNPQRSTVWY" * 60_000)  # 1.2 million residues
    assert report.errors == ["1200000 residues: longer than any antibody chain (at most 1000)"]


def test_a_batch_larger_than_a_request_takes_is_refused_before_any_assessment(monkeypatch):
    assessed = []
    monkeypatch.setattr(engine, "assess", lambda *args, **kwargs: assessed.append(args))
    with pytest.raises(engine.InputError) as refused:
        engine.assess_batch(_batch(101), max_antibodies=100)
    assert "101" in refused.value.message and "100" in refused.value.message and assessed == []
    engine.assess_batch(_batch(3), max_antibodies=100)
    assert len(assessed) == 3


def test_a_long_fasta_of_many_lines_is_read_whole():
    lines = "\n".join(TRASTUZUMAB_VH[i:i + 10] for i in range(0, len(TRASTUZUMAB_VH), 10))
    assert engine.parse_input(f">one_VH\n{lines}\n>one_VL\n{TRASTUZUMAB_VL}\n") == [
        ("one", TRASTUZUMAB_VH, TRASTUZUMAB_VL)]


@pytest.mark.django_db
def test_workspace_refuses_too_much_text_and_too_many_antibodies_keeping_nothing(client, settings):
    from guichet.accounts.models import Role
    from guichet.antibodies.models import Assessment

    from .conftest import make_user

    # The page takes large batches as a job; beyond its limits (input size, antibodies per batch) it refuses.
    settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES = 64 * 1024
    settings.GUICHET_ANTIBODY_MAX_ANTIBODIES = 100
    client.force_login(make_user("big@ab.example", Role.MEMBER))
    too_long = ">x\n" + "A" * (64 * 1024 + 1)
    response = client.post("/antibodies/", {"title": "x", "text": too_long, "cdr_scheme": "imgt"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and len(response.context["form"].errors["text"]) == 1
    assert "64 KB" in response.context["form"].errors["text"][0]
    response = client.post("/antibodies/", {"title": "x", "text": _batch(101), "cdr_scheme": "imgt"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "101 antibodies: at most 100" in " ".join(response.context["form"].errors["text"])
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_api_refuses_a_batch_larger_than_a_request_takes(client):
    from guichet.accounts.models import Role
    from guichet.accounts.services import api_token_create

    from .conftest import make_user

    raw = api_token_create(actor=make_user("bigapi@ab.example", Role.MEMBER), name="t")[1]
    response = client.post("/api/v1/antibodies/assess", {"text": _batch(101)}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400 and response.json()["field"] == "text"
    assert "au plus 100 à la fois" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["name,heavy,light\n\f", "name,heavy,light\r\n \x1c\x1f\n"])
def test_api_schema_refuses_a_csv_header_with_only_blanks_after_it(client, text):
    """Found by schemathesis (ST202) against gunicorn: schema-valid, then refused with a 400 by the engine."""
    from guichet.accounts.models import Role
    from guichet.accounts.services import api_token_create

    from .conftest import make_user

    raw = api_token_create(actor=make_user("blank@ab.example", Role.MEMBER), name="t")[1]
    response = client.post("/api/v1/antibodies/assess", {"text": text}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422 and response.json()["field"] == "text"
    row = client.post("/api/v1/antibodies/assess", {"text": f"name,heavy,light\n\fx,{TRASTUZUMAB_VH},"},
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert row.status_code == 200 and row.json()[0]["heavy"]["v_gene"].startswith("IGHV3-66")


def test_a_csv_row_with_more_cells_than_its_header_is_a_clear_error_not_a_500():
    from django.utils import translation

    with translation.override("en"), pytest.raises(engine.InputError) as refused:
        engine.parse_input("name,heavy,light\na,b,c,d\n")
    assert "Line 2 has more columns" in refused.value.message
    long_cell = "A" * 140_000  # above the csv module's default cell limit, within the API's text bound
    assert engine.parse_input(f"name,heavy,light\nx,{long_cell},\n") == [("x", long_cell, "")]


@pytest.mark.django_db
def test_api_csv_row_with_an_extra_cell_and_nul_bytes(client):
    from guichet.accounts.models import Role
    from guichet.accounts.services import api_token_create

    from .conftest import make_user

    raw = api_token_create(actor=make_user("extra@ab.example", Role.MEMBER), name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post("/api/v1/antibodies/assess", {"text": "name,heavy,light\na,b,c,d"},
                           content_type="application/json", **auth)
    assert response.status_code == 400 and "more columns" in response.json()["detail"]
    # Schema-valid must mean accepted: a NUL byte (the engine's sign of a binary file) is refused by the schema.
    response = client.post("/api/v1/antibodies/assess", {"text": "name,heavy,light\nx\u0000y"},
                           content_type="application/json", **auth)
    assert response.status_code == 422 and response.json()["field"] == "text"


def test_a_csv_with_bare_carriage_returns_is_read():
    """schemathesis (in make test) sent 'name,heavy,light\\n\\r...': csv raised on the bare \\r, a 400 for a
    schema-valid text."""
    assert engine.parse_input(f"name,heavy,light\r\rx,{TRASTUZUMAB_VH},\r") == [("x", TRASTUZUMAB_VH, "")]
