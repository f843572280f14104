"""Antibody assessment, second part (issue 14): sequences as scientists paste them. Each test fails on the
engine of the first part. Variable domains are Thera-SAbDab's (shared/data/therapeutic-antibodies, MIT);
constant regions are UniProt's human IGHG1 (P01857) and IGKC (P01834); the signal peptide is the IGHV3 leader."""

import gzip
import json

import pytest
from django.utils import translation

from guichet.antibodies import engine

from .test_antibodies import content

ADALIMUMAB_VH = ("EVQLVESGGGLVQPGRSLRLSCAASGFTFDDYAMHWVRQAPGKGLEWVSAITWNSGHIDYADSVEGRFTISRDNAKNSLYLQMNSLRAEDTAVYY"
                 "CAKVSYLSTASSLDYWGQGTLVTVSS")
ADALIMUMAB_VL = ("DIQMTQSPSSLSASVGDRVTITCRASQGIRNYLAWYQQKPGKAPKLLIYAASTLQSGVPSRFSGSGSGTDFTLTISSLQPEDVATYYCQRYNRAP"
                 "YTFGQGTKVEIK")
IGHG1 = ("ASTKGPSVFPLAPSSKSTSGGTAALGCLVKDYFPEPVTVSWNSGALTSGVHTFPAVLQSSGLYSLSSVVTVPSSSLGTQTYICNVNHKPSNTKVDKKV"
         "EPKSCDKTHTCPPCPAPELLGGPSVFLFPPKPKDTLMISRTPEVTCVVVDVSHEDPEVKFNWYVDGVEVHNAKTKPREEQYNSTYRVVSVLTVLHQDWLN"
         "GKEYKCKVSNKALPAPIEKTISKAKGQPREPQVYTLPPSRDELTKNQVSLTCLVKGFYPSDIAVEWESNGQPENNYKTTPPVLDSDGSFFLYSKLTVDK"
         "SRWQQGNVFSCSVMHEALHNHYTQKSLSLSPGK")
IGKC = ("RTVAAPSVFIFPPSDEQLKSGTASVVCLLNNFYPREAKVQWKVDNALQSGNSQESVTEQDSKDSTYSLSSTLTLSKADYEKHKVYACEVTHQGLSSPVTKS"
        "FNRGEC")
LEADER = "MEFGLSWVFLVAILKGVQC"
LINKER = "GGGGS" * 3
TRASTUZUMAB_VH = ("EVQLVESGGGLVQPGGSLRLSCAASGFNIKDTYIHWVRQAPGKGLEWVARIYPTNGYTRYADSVKGRFTISADTSKNTAYLQMNSLRAEDTAVYY"
                  "CSRWGGDGFYAMDYWGQGTLVTVSS")
TRASTUZUMAB_VL = ("DIQMTQSPSSLSASVGDRVTITCRASQDVNTAVAWYQQKPGKAPKLLIYSASFLYSGVPSRFSGSRSGTDFTLTISSLQPEDFATYYCQQHYTTP"
                  "PTFGQGTKVEIK")
REFUSED = {  # one unusual residue at a conserved position (olaratumab: WDQG for WGQG)
    "olaratumab": "QLQLQESGPGLVKPSETLSLTCTVSGGSINSSSYYWGWLRQSPGKGLEWIGSFFYTGSTYYNPSLRSRLTISVDTSKNQFSLMLSSVTAADTAVYYCAR"
                  "QSTYYYGSGNYYGWFDRWDQGTLVTVSS",
    "ozoralizumab": "EVQLVESGGGLVQPGGSLRLSCAASGFTFSDYWMYWVRQAPGKGLEWVSEINTNGLITKYPDSVKGRFTISRDNAKNTLYLQMNSLRPEDTAVY"
                    "YCARSPSGFNRGQGTLVTVSS",
    "envafolimab": "QVQLVESGGGLVQPGGSLRLSCAASGKMSSRRCMAWFRQAPGKERERVAKLLTTSGSTYLADSVKGRFTISRDNSKNTVYLQMNSLRAEDTAVYY"
                   "CAADSFEDPTCTLVTSS",
}
CAPLACIZUMAB = ("EVQLVESGGGLVQPGGSLRLSCAASGRTFSYNPMGWFRQAPGKGRELVAAISRTGGSTYYPDSVEGRFTISRDNAKRMVYLQMNSLRAEDTAVYYC"
                "AAAGVRAEDGRVRTLPSEYTFWGQGTQVTVSS")
# Humanized rabbit (APX005M): the rabbit CDR1-CDR2 disulfide, IMGT 40 and 55 (Kabat H35a/H50).
SOTIGALIMAB_VH = ("QVQLVESGGGVVQPGRSLRLSCAASGFSFSSTYVCWVRQAPGKGLEWIACIYTGDGTNYSASWAKGRFTISKDSSKNTVYLQMNSLRAEDTAVYF"
                  "CARPDITYGFAINFWGPGTLVTVSS")
# A BiTE's stabilized Fv: VH44-VL100 disulfide (IMGT H49, L120).
TARLATAMAB_VH = ("QVQLQESGPGLVKPSETLSLTCTVSGGSISSYYWSWIRQPPGKCLEWIGYVYYSGTTNYNPSLKSRVTISVDTSKNQFSLKLSSVTAADTAVYYCA"
                 "SIAVTGFYFDYWGQGTLVTVSS")
TARLATAMAB_VL = ("EIVLTQSPGTLSLSPGERVTLSCRASQRVNNNYLAWYQQRPGQAPRLLIYGASSRATGIPDRFSGSGSGTDFTLTISRLEPEDFAVYYCQQYDRSPL"
                 "TFGCGTKLEIK")


@pytest.fixture(scope="module")
def adalimumab_full():
    return engine.assess("adalimumab", LEADER + ADALIMUMAB_VH + IGHG1, ADALIMUMAB_VL + IGKC)


# --- defect 1: untrimmed chains ----------------------------------------------------------------------------

def test_a_full_length_heavy_chain_is_assessed_on_its_variable_domain(adalimumab_full):
    domain = engine.assess("adalimumab", ADALIMUMAB_VH, ADALIMUMAB_VL)
    h = adalimumab_full.heavy
    assert h.sequence == ADALIMUMAB_VH
    assert (h.trimmed_before, h.trimmed_after, h.start, h.end) == (len(LEADER), len(IGHG1), len(LEADER) + 1,
                                                                   len(LEADER) + len(ADALIMUMAB_VH))
    assert h.oasis_9mer == domain.heavy.oasis_9mer and h.oasis_9mer > 0.85   # 0.21 when scored whole
    assert [x.motif for x in h.liabilities] == [x.motif for x in domain.heavy.liabilities]
    # Positions are given in the submitted chain and in the domain.
    assert [x.position - len(LEADER) for x in h.liabilities] == [x.domain_position for x in h.liabilities]
    assert adalimumab_full.light.sequence == ADALIMUMAB_VL and adalimumab_full.light.trimmed_after == len(IGKC)
    assert adalimumab_full.developability == domain.developability


def test_full_length_trastuzumab_matches_its_domains():
    full = engine.assess("t", TRASTUZUMAB_VH + IGHG1, TRASTUZUMAB_VL + IGKC)
    assert full.heavy.cdrs["cdr3"] == "SRWGGDGFYAMDY" and full.heavy.sequence == TRASTUZUMAB_VH
    assert full.light.v_gene.startswith("IGKV1-39") and len(full.domains) == 2


# --- defect 2: scFv and multi-domain chains ---------------------------------------------------------------

def test_an_scfv_reports_both_domains_and_pairs_them():
    report = engine.assess("scfv", ADALIMUMAB_VH + LINKER + ADALIMUMAB_VL, "")
    assert [(d.chain_type, d.sequence) for d in report.domains] == [("H", ADALIMUMAB_VH), ("K", ADALIMUMAB_VL)]
    assert report.domains[0].pair == 1 and report.domains[1].pair == 0
    assert report.light.cdrs["cdr3"] == "QRYNRAPYT" and report.light.start == len(ADALIMUMAB_VH + LINKER) + 1
    assert report.developability["total_cdr_length"]["value"] == engine.assess(
        "x", ADALIMUMAB_VH, ADALIMUMAB_VL).developability["total_cdr_length"]["value"]


def test_a_tandem_scfv_gives_four_domains_in_two_pairs():
    chain = ADALIMUMAB_VH + LINKER + ADALIMUMAB_VL + "GGGGS" + TRASTUZUMAB_VL + LINKER + TRASTUZUMAB_VH
    report = engine.assess("tandem", chain, "")
    assert [d.chain_type for d in report.domains] == ["H", "K", "K", "H"]
    assert [(p["heavy"], p["light"]) for p in report.pairs] == [(0, 1), (3, 2)]
    assert report.domains[3].cdrs["cdr3"] == "SRWGGDGFYAMDY"


def test_a_vhh_fc_is_one_single_domain_with_its_hallmarks():
    report = engine.assess("capla-Fc", CAPLACIZUMAB + IGHG1[98:], "")   # VHH + hinge-CH2-CH3
    assert len(report.domains) == 1 and report.heavy.vhh and report.light is None
    assert report.heavy.species == "alpaca" and not report.pairs
    assert not engine.assess("t", TRASTUZUMAB_VH, "").heavy.vhh


# --- defect 3: real therapeutics refused ------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_therapeutic_with_one_unusual_conserved_residue_is_accepted_with_a_warning(name):
    with translation.override("en"):
        chain = engine.assess_chain(REFUSED[name])
    assert chain.errors == [] and chain.chain_type == "H" and chain.v_identity > 0.7
    assert chain.warnings and "conserved position" in chain.warnings[0]
    assert engine.assess_chain(TRASTUZUMAB_VH).warnings == []


# --- defect 4: files ---------------------------------------------------------------------------------------

FASTA = f">adalimumab_HC\n{ADALIMUMAB_VH}\n>adalimumab_LC\n{ADALIMUMAB_VL}\n"


@pytest.mark.parametrize("data", [
    FASTA.encode("utf-8-sig"),                                   # a UTF-8 byte-order mark
    gzip.compress(FASTA.encode()),                               # gzip
    (">adalimumab é_HC\n" + ADALIMUMAB_VH + "\n>adalimumab é_LC\n" + ADALIMUMAB_VL).encode("latin-1"),
])
def test_uploads_in_the_encodings_scientists_have_are_read(data):
    [(name, heavy, light)] = engine.parse_input(engine.decode_upload(data))
    assert name.startswith("adalimumab") and (heavy, light) == (ADALIMUMAB_VH, ADALIMUMAB_VL)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
                                  b"\x1f\x8b\x08\x00broken", b"%PDF-1.4\n\x00\x01\x02\x03\x04\x05"])
def test_a_binary_or_broken_file_is_a_clear_error(data):
    with translation.override("fr"), pytest.raises(engine.InputError) as refused:
        engine.decode_upload(data)
    assert refused.value.message and "UnicodeDecodeError" not in refused.value.message


@pytest.mark.parametrize("heavy_name, light_name", [
    ("ada_HC", "ada_LC"), ("ada heavy chain", "ada light chain"), ("ada H", "ada L"), ("ada_VH", "ada_VK"),
    ("ada|heavy", "ada|light")])
def test_fasta_names_pair_whatever_their_suffix(heavy_name, light_name):
    assert engine.parse_input(f">{heavy_name}\n{ADALIMUMAB_VH}\n>{light_name}\n{ADALIMUMAB_VL}\n") == [
        ("ada", ADALIMUMAB_VH, ADALIMUMAB_VL)]


def test_two_records_of_the_same_name_are_refused_not_overwritten():
    with translation.override("en"), pytest.raises(engine.InputError) as refused:
        engine.parse_input(f">ada_HC\n{ADALIMUMAB_VH}\n>ada_HC\n{TRASTUZUMAB_VH}\n")
    assert "Line 3" in refused.value.message and "ada_HC" in refused.value.message
    with translation.override("en"), pytest.raises(engine.InputError) as refused:
        engine.parse_input(f">ada_H\n{ADALIMUMAB_VH}\n>ada_VH\n{TRASTUZUMAB_VH}\n")
    assert "heavy chain of “ada”" in refused.value.message
    with pytest.raises(engine.InputError):
        engine.parse_input(f"name,heavy,light\nada,{ADALIMUMAB_VH},\nada,{TRASTUZUMAB_VH},\n")


def test_tsv_is_read():
    text = f"Name\tHeavy\tLight\nadalimumab\t{ADALIMUMAB_VH}\t{ADALIMUMAB_VL}\n"
    assert engine.parse_input(text) == [("adalimumab", ADALIMUMAB_VH, ADALIMUMAB_VL)]


# --- defect 5: the chosen CDR definition throughout --------------------------------------------------------

def test_kabat_mode_finds_the_met34_of_cdr_h1_and_numbers_it_in_kabat():
    imgt = engine.assess("a", ADALIMUMAB_VH, ADALIMUMAB_VL, cdr_scheme="imgt").heavy
    kabat = engine.assess("a", ADALIMUMAB_VH, ADALIMUMAB_VL, cdr_scheme="kabat").heavy
    met = ADALIMUMAB_VH.index("DYAMH") + 4   # 1-based position of M
    assert kabat.cdrs["cdr1"] == "DYAMH"
    assert [(x.region, x.number) for x in kabat.liabilities if x.kind == "oxidation" and x.position == met] == [
        ("cdr1", "34")]
    assert not any(x.kind == "oxidation" and x.position == met for x in imgt.liabilities)


def test_percentiles_are_read_from_the_table_of_the_chosen_definition():
    ref = engine.reference()["schemes"]
    assert ref["kabat"]["total_cdr_length"] != ref["imgt"]["total_cdr_length"]
    kabat = engine.assess("t", TRASTUZUMAB_VH, TRASTUZUMAB_VL, cdr_scheme="kabat").developability
    value = kabat["total_cdr_length"]["value"]
    assert kabat["total_cdr_length"]["percentile"] == engine.percentile("total_cdr_length", value, "kabat")
    assert engine.percentile("total_cdr_length", value, "kabat") != engine.percentile("total_cdr_length", value,
                                                                                      "imgt")


# --- defect 6: germline ties -------------------------------------------------------------------------------

def test_every_germline_tied_at_the_best_identity_is_reported():
    chain = engine.assess_chain(TRASTUZUMAB_VH)
    assert chain.j_genes == ["IGHJ4*01", "IGHJ4*02", "IGHJ4*03"] and chain.j_gene == "IGHJ4*01"
    assert len(chain.v_genes) > 1 and all(g.startswith("IGHV3-66") for g in chain.v_genes)


# --- defect 7: cysteines paired on the numbering -----------------------------------------------------------

def test_paired_non_canonical_cysteines_are_not_reported_unpaired():
    assert not any(x.kind == "unpaired cysteine" for x in engine.assess_chain(SOTIGALIMAB_VH).liabilities)
    bite = engine.assess("tarlatamab", TARLATAMAB_VH + LINKER + TARLATAMAB_VL, "")
    assert [d.chain_type for d in bite.domains] == ["H", "K"]
    assert not any(x.kind == "unpaired cysteine" for d in bite.domains for x in d.liabilities)
    # Alone, the VH44 cysteine has no partner.
    assert any(x.kind == "unpaired cysteine" and x.number == "49"
               for x in engine.assess_chain(TARLATAMAB_VH).liabilities)


def test_the_command_line_reads_a_gzip_latin1_file_and_refuses_a_binary_one(tmp_path, db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "batch.fa.gz"
    path.write_bytes(gzip.compress((">adalimumab é_HC\n" + LEADER + ADALIMUMAB_VH + IGHG1 + "\n").encode("latin-1")))
    out = StringIO()
    call_command("assess", str(path), "--json", stdout=out)
    [report] = json.loads(out.getvalue())
    assert report["name"] == "adalimumab é" and report["heavy"]["trimmed_before"] == len(LEADER)
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("assess", str(binary))
    assert "not text" in str(refused.value)


@pytest.mark.django_db
def test_the_page_takes_a_gzip_upload_and_says_what_a_binary_one_is(member_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.antibodies.models import Assessment

    member_client.cookies["guichet_language"] = "en"
    upload = SimpleUploadedFile("batch.fasta.gz", gzip.compress(FASTA.encode("utf-8-sig")))
    response = member_client.post("/antibodies/", {"title": "gz", "file": upload, "cdr_scheme": "imgt"})
    assert response.status_code == 302
    assert Assessment.objects.get().antibodies.get(index=0).report["heavy"]["sequence"] == ADALIMUMAB_VH
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n\x00\x01\x02" * 50)
    response = member_client.post("/antibodies/", {"title": "pdf", "file": upload, "cdr_scheme": "imgt"})
    assert response.status_code == 200 and "not text" in response.context["form"].errors["file"][0]
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
def test_the_api_takes_tsv_and_a_byte_order_mark(client):
    from guichet.accounts.models import Role
    from guichet.accounts.services import api_token_create

    from .conftest import make_user

    raw = api_token_create(actor=make_user("tsv@ab.example", Role.MEMBER), name="t")[1]
    for text in (f"Name\tHeavy\tLight\nada\t{ADALIMUMAB_VH}\t{ADALIMUMAB_VL}\n", "\ufeff" + FASTA):
        response = client.post("/api/v1/antibodies/assess", {"text": text}, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200, response.content
        assert response.json()[0]["light"]["cdrs"]["cdr3"] == "QRYNRAPYT"


# --- the report: page, CSV, PDF, JSON in both languages ----------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language, words", [
    ("en", ["residues 20–140 of the heavy chain submitted", "19 residues left out before the domain",
            "paired with domain 2 in the same chain (scFv)", "IGHJ4*01, IGHJ4*02, IGHJ4*03",
            "Humanness of the antibody", "Number (Kabat)", "nanobody (VHH) hallmarks", "alpaca or llama",
            "accepted, check the sequence"]),
    ("fr", ["résidus 20 à 140 de la chaîne lourde soumise", "19 résidus laissés de côté avant le domaine",
            "apparié au domaine 2 dans la même chaîne (scFv)", "IGHJ4*01, IGHJ4*02, IGHJ4*03",
            "Humanité de l’anticorps", "Numéro (Kabat)", "signatures de nanocorps (VHH)", "alpaga ou lama",
            "accepté, vérifiez la séquence"]),
])
def test_page_and_exports_show_domains_trimming_ties_and_warnings(client, language, words):
    import csv
    import io

    from pypdf import PdfReader

    from guichet.accounts.models import User
    from guichet.antibodies.models import Assessment

    from .test_antibodies import visible_text

    client.force_login(User.objects.create_user(f"eng-{language}@example.org", "x", language=language))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    text = (f">adalimumab_HC\n{LEADER}{ADALIMUMAB_VH}{IGHG1}\n>adalimumab_LC\n{ADALIMUMAB_VL}{IGKC}\n"
            f">scfv\n{TRASTUZUMAB_VH}{LINKER}{TRASTUZUMAB_VL}\n>caplacizumab\n{CAPLACIZUMAB}\n"
            f">envafolimab\n{REFUSED['envafolimab']}\n")
    client.post("/antibodies/", {"title": "As pasted", "text": text, "cdr_scheme": "kabat"})
    assessment = Assessment.objects.get()
    page = visible_text(client.get(f"/antibodies/{assessment.pk}/").content.decode().split("<main", 1)[1])
    assert [w for w in words if w not in page] == []
    assert "fmwk" not in page and "alpaca" not in page.replace("alpaca or llama", "")
    rows = list(csv.reader(io.StringIO(content(client.get(f"/antibodies/{assessment.pk}.csv")).decode("utf-8-sig"))))
    scfv = [r for r in rows if r[0] == "scfv"]
    assert [r[1] for r in scfv] == ["1 VH", "2 VL"] and scfv[1][10] == "1"
    adalimumab = next(r for r in rows if r[0] == "adalimumab")
    assert adalimumab[6:10] == ["20", "140", "19", str(len(IGHG1))]
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(f"/antibodies/{assessment.pk}.pdf")
                                                                  .content)).pages)
    assert words[0].split(" of ")[0].split(" de ")[0] in pdf and "VHH" in pdf and "IGHJ4*02" in pdf
    data = json.loads(content(client.get(f"/antibodies/{assessment.pk}.json")))
    assert [d["chain_type"] for d in data[1]["domains"]] == ["H", "K"] and data[1]["domains"][0]["pair"] == 1
    assert data[0]["heavy"]["trimmed_before"] == len(LEADER) and data[0]["heavy"]["j_genes"][1] == "IGHJ4*02"


# --- defect 8: start-up: the 9-mer index gives promb's answers ------------------------------------------

def test_the_memory_mapped_9mer_index_answers_as_promb():
    from promb import init_db

    from guichet.antibodies import kmers

    promb = init_db("human-oas", verbose=False)
    chains = [ADALIMUMAB_VH, ADALIMUMAB_VL, TRASTUZUMAB_VH, TRASTUZUMAB_VL, CAPLACIZUMAB, SOTIGALIMAB_VH,
              TARLATAMAB_VH, TARLATAMAB_VL, *REFUSED.values(), LEADER + ADALIMUMAB_VH + IGHG1, ADALIMUMAB_VL + IGKC]
    assert [kmers.human_content(s) for s in chains] == [promb.compute_peptide_content(s) for s in chains]
    assert len(kmers.human_9mers()) == len(promb.peptides)
    assert not kmers.human_windows("EVQLVESGX")[0]   # X is in no human 9-mer


# --- more liability rules, each with its source -----------------------------------------------------------

def test_acid_cleavage_pyroglutamate_and_the_cdr_deamidation_isomerization_motifs():
    chain = engine.assess_chain(TRASTUZUMAB_VH.replace("WGGDGFY", "WNTDSFY"))   # CDR-H3 with NT and DS
    kinds = {(x.kind, x.motif, x.region) for x in chain.liabilities}
    assert ("deamidation", "NT", "cdr3") in kinds and ("isomerization", "DS", "cdr3") in kinds
    assert all(x.source in engine.LIABILITY_SOURCES for x in chain.liabilities)
    # EVQL...: N-terminal glutamate; not in the second domain of an scFv (not the N-terminus).
    [pyro] = [x for x in chain.liabilities if x.kind == "pyroglutamate"]
    assert (pyro.motif, pyro.position, pyro.number) == ("E", 1, "1")
    scfv = engine.assess("s", TRASTUZUMAB_VL + LINKER + TRASTUZUMAB_VH, "")
    assert not any(x.kind == "pyroglutamate" for x in scfv.domains[1].liabilities)
    # Framework NT/DS are not flagged, Asp-Pro anywhere is.
    assert not any(x.motif in ("NT", "DS") for x in engine.liabilities("ANTADSA", ["fmwk3"] * 7, ["1"] * 7))
    assert [x.kind for x in engine.liabilities("AADPAA", ["fmwk3"] * 6, ["1"] * 6)] == ["acid cleavage"]


# --- nearest clinical antibodies ---------------------------------------------------------------------------

def test_the_nearest_clinical_antibody_of_a_therapeutic_is_itself_then_its_relatives():
    report = engine.assess("x", LEADER + ADALIMUMAB_VH + IGHG1, ADALIMUMAB_VL)
    [first, *others] = report.heavy.nearest_clinical
    assert (first["name"], first["identity"], first["stage"], first["target"]) == ("Adalimumab", 1.0, "Approved",
                                                                                   "TNFA")
    assert first["cdr_identity"] == {"cdr1": 1.0, "cdr2": 1.0, "cdr3": 1.0} and len(others) == 2
    # Remtolumab, a dual-variable-domain IgG, carries adalimumab's VH for its anti-TNF arm.
    assert others[0]["name"] == "Remtolumab" and "TNFA" in others[0]["target"] and others[1]["identity"] < 0.9
    assert report.light.nearest_clinical[0]["name"] == "Adalimumab"
    # One CDR-H3 mutation lowers the CDR3 identity, not the CDR1's.
    mutant = engine.assess_chain(ADALIMUMAB_VH.replace("VSYLSTASSLDY", "VSYLSTAWSLDY")).nearest_clinical[0]
    assert mutant["name"] == "Adalimumab" and mutant["cdr_identity"]["cdr1"] == 1.0
    assert 0.8 < mutant["cdr_identity"]["cdr3"] < 1.0


# --- species -----------------------------------------------------------------------------------------------

ABAGOVOMAB_VH = ("QVKLQESGAELARPGASVKLSCKASGYTFTNYWMQWVKQRPGQGLDWIGAIYPGDGNTRYTHKFKGKATLTADKSSSTAYMQLSSLASEDSGVYY"
                 "CARGEGNYAWFAYWGQGTTVTVSS")   # murine (IMGT/mAb-DB)


def test_the_species_call_takes_the_best_germline_of_every_species():
    mouse = engine.assess_chain(ABAGOVOMAB_VH)
    assert (mouse.species, mouse.species_v_gene) == ("mouse", "IGHV1-87*02") and mouse.species_v_identity > 0.9
    assert mouse.v_gene.startswith("IGHV1-3")   # the closest human germline is still reported
    assert engine.assess_chain(ADALIMUMAB_VH).species == "human"
    assert engine.assess_chain(CAPLACIZUMAB).species == "alpaca"
    assert engine.assess_chain(ADALIMUMAB_VL).species in ("human", "mouse", "rabbit")   # no camelid light chains


# --- humanization proposals ---------------------------------------------------------------------------------

def test_grafting_keeps_the_cdrs_and_takes_human_frameworks():
    from guichet.antibodies import humanize

    mouse = engine.assess_chain(ABAGOVOMAB_VH)
    proposals = humanize.propose(engine.asdict(mouse))
    assert [p["rank"] for p in proposals] == list(range(1, len(proposals) + 1)) and len(proposals) >= 3
    best = proposals[0]
    assert best["humanness"] > mouse.oasis_9mer + 0.2 and best["germline_identity"] > mouse.v_identity
    assert best["framework"].startswith("IGHV1") and best["mutation_count"] == len(best["mutations"])
    grafted = engine.assess_chain(best["sequence"])
    assert grafted.cdrs == mouse.cdrs and grafted.species == "human"
    # Keeping the Vernier residues means fewer mutations; a budget caps them.
    kept = [p for p in proposals if p["strategy"] == "graft_vernier" and p["framework"] == best["framework"]]
    assert kept and kept[0]["mutation_count"] < best["mutation_count"]
    assert all(p["mutation_count"] <= 5 for p in humanize.propose(engine.asdict(mouse), budget=5))
    assert humanize.fasta("x", proposals[:1]).startswith(">x_h1 IGHV1")


@pytest.mark.django_db
@pytest.mark.parametrize("language, words", [
    ("en", ["Humanization proposals", "CDR graft, Vernier-zone residues kept", "within the budget"]),
    ("fr", ["Propositions d’humanisation", "Greffe des CDR, résidus de la zone Vernier conservés",
            "dans le budget"]),
])
def test_the_humanization_page_and_its_fasta(client, language, words):
    from guichet.accounts.models import User
    from guichet.antibodies.models import Assessment

    client.force_login(User.objects.create_user(f"hum-{language}@example.org", "x", language=language))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    client.post("/antibodies/", {"title": "Murine", "text": f">abagovomab_VH\n{ABAGOVOMAB_VH}\n", "cdr_scheme": "imgt"})
    pk = Assessment.objects.get().pk
    assert f"/antibodies/{pk}/humanize/?antibody=0&amp;domain=0" in client.get(f"/antibodies/{pk}/").content.decode()
    page = client.get(f"/antibodies/{pk}/humanize/", {"antibody": 0, "domain": 0, "budget": 8}).content.decode()
    assert [w for w in words if w not in page] == []
    fasta = client.get(f"/antibodies/{pk}/humanize.fasta", {"antibody": 0, "domain": 0, "budget": 8})
    records = fasta.content.decode().split(">")[1:]
    assert fasta["Content-Type"].startswith("text/x-fasta") and len(records) >= 3
    assert all(int(r.split("mutations=")[1].split()[0]) <= 8 for r in records)
    bad = client.get(f"/antibodies/{pk}/humanize/", {"antibody": 0, "domain": 0, "budget": "lots"})
    assert bad.status_code == 200 and bad.context["form"].errors["budget"]
    assert client.get(f"/antibodies/{pk}/humanize.fasta", {"antibody": 5, "domain": 0}).status_code == 404


@pytest.mark.django_db
def test_the_numbering_table_has_one_row_per_domain_and_one_column_per_position(member_client):
    import csv
    import io

    from guichet.antibodies.models import Assessment

    text = f">scfv\n{TRASTUZUMAB_VH}{LINKER}{TRASTUZUMAB_VL}\n>ada_HC\n{LEADER}{ADALIMUMAB_VH}{IGHG1}\n"
    member_client.post("/antibodies/", {"title": "n", "text": text, "cdr_scheme": "kabat"})
    pk = Assessment.objects.get().pk
    rows = list(csv.reader(io.StringIO(content(member_client.get(f"/antibodies/{pk}.numbering.csv")).decode())))
    header, body = rows[0], rows[1:]
    assert [(r[0], r[1], r[2]) for r in body] == [("scfv", "0", "H"), ("scfv", "1", "K"), ("ada", "0", "H")]
    assert header.index("100A") < header.index("101") and header[9] == "1"
    # Kabat H35 is H in trastuzumab (DTYIH), the light chain has no H35 column value of its own.
    assert body[0][header.index("35")] == "H" and body[2][3] == str(len(LEADER))
    residues = [c for c in body[0][9:] if c != "-"]
    assert "".join(residues) == TRASTUZUMAB_VH


@pytest.mark.django_db
def test_results_stored_by_the_first_part_still_show(member, member_client):
    from guichet.antibodies.models import Assessment

    old = engine.assess("tras", TRASTUZUMAB_VH, TRASTUZUMAB_VL).as_dict()
    new_keys = {"warnings", "numbering", "v_genes", "j_genes", "species", "species_v_gene", "species_v_identity",
                "source", "submitted_length", "start", "end", "trimmed_before", "trimmed_after", "pair", "vhh",
                "n_terminal", "nearest_clinical"}
    for key in ("heavy", "light"):
        old[key] = {k: v for k, v in old[key].items() if k not in new_keys}
        for x in old[key]["liabilities"]:
            x.pop("number"), x.pop("domain_position"), x.pop("source")
    del old["domains"], old["pairs"]
    assessment = Assessment.objects.create(owner=member, title="old", result=[old])
    page = member_client.get(f"/antibodies/{assessment.pk}/")
    assert page.status_code == 200 and "SRWGGDGFYAMDY" in page.content.decode()
    for suffix in (".csv", ".pdf", ".numbering.csv"):
        assert member_client.get(f"/antibodies/{assessment.pk}{suffix}").status_code == 200
    assert member_client.get(f"/antibodies/{assessment.pk}/humanize/", {"antibody": 0, "domain": 0}).status_code == 200


def test_the_humanness_map_names_the_nine_mers_not_found_in_human_repertoires():
    from guichet.antibodies import kmers

    for sequence in (ADALIMUMAB_VH, ABAGOVOMAB_VH):
        chain = engine.assess_chain(sequence)
        windows = len(chain.sequence) - kmers.K + 1
        # The map and the score say the same thing: the share of 9-mers found is the OASis score.
        assert chain.oasis_9mer == round(1 - len(chain.nonhuman_9mers) / windows, 4)
        for start in chain.nonhuman_9mers:
            assert not kmers.human_windows(chain.sequence[start - 1:start - 1 + kmers.K])[0]
    human, mouse = engine.assess_chain(ADALIMUMAB_VH), engine.assess_chain(ABAGOVOMAB_VH)
    assert len(mouse.nonhuman_9mers) > 3 * max(len(human.nonhuman_9mers), 1)


@pytest.mark.django_db
def test_the_report_page_shows_the_humanness_map_in_words_also_for_results_stored_before_it(member, member_client):
    from guichet.antibodies import kmers
    from guichet.antibodies.models import Assessment

    member_client.post("/antibodies/", {"title": "m", "text": f">abago_VH\n{ABAGOVOMAB_VH}\n", "cdr_scheme": "imgt"})
    new = Assessment.objects.get(title="m")
    chain = engine.assess_chain(ABAGOVOMAB_VH)
    first = chain.nonhuman_9mers[0]
    peptide = chain.sequence[first - 1:first - 1 + kmers.K]
    windows = len(chain.sequence) - kmers.K + 1
    old_result = new.antibodies.get(index=0).report
    for stored in [*old_result["domains"], old_result["heavy"]]:
        stored.pop("nonhuman_9mers")
    old = Assessment.objects.create(owner=member, title="old", result=[old_result])
    for assessment in (new, old):
        page = member_client.get(f"/antibodies/{assessment.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f"{len(chain.nonhuman_9mers)} 9-mers of {windows} not found in human repertoires" in page
        assert f"<code>{peptide}</code> {first}–{first + 8}" in page
    page = member_client.get(f"/antibodies/{new.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "absents des répertoires humains" in page
