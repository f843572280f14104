"""What a person reads for each code of the engine's reports: liabilities, regions, metrics, bands, chains.

The engine and the JSON/CSV exports keep the codes (they are the machine interface); pages and the PDF
show these labels, in the reader's language.
"""

from django.utils.translation import gettext_lazy as _

LIABILITIES = {
    "N-glycosylation": _("N-glycosylation"),
    "deamidation": _("Deamidation"),
    "isomerization": _("Isomerization"),
    "oxidation": _("Oxidation"),
    "unpaired cysteine": _("Unpaired cysteine"),
    "acid cleavage": _("Acid cleavage (Asp-Pro)"),
    "pyroglutamate": _("N-terminal pyroglutamate"),
}
REGIONS = {
    "cdr1": _("CDR1"), "cdr2": _("CDR2"), "cdr3": _("CDR3"),
    "fmwk1": _("Framework 1"), "fmwk2": _("Framework 2"), "fmwk3": _("Framework 3"), "fmwk4": _("Framework 4"),
    "-": _("outside the domain"),
}
METRICS = {
    "total_cdr_length": _("Total CDR length (residues)"),
    "cdr_hydrophobicity": _("CDR hydrophobicity (Kyte-Doolittle sum)"),
    "cdr_positive_charge": _("Positive charges in the CDRs"),
    "cdr_negative_charge": _("Negative charges in the CDRs"),
    "fv_charge_asymmetry": _("Fv charge asymmetry (VH charge × VL charge)"),
}
BANDS = {
    "green": _("typical"),
    "amber": _("unusual"),
    "red": _("outside the range"),
    "unknown": _("no reference"),
}
CHAINS = {"H": _("heavy"), "K": _("kappa"), "L": _("lambda")}
# Thera-SAbDab's clinical stages and statuses ("(w)": withdrawn; NFD: no further development reported).
STAGES = {"Approved": _("approved"), "Approved (w)": _("approved, then withdrawn"), "Phase-III": _("phase III"),
          "Phase-II/III": _("phase II/III"), "Phase-II": _("phase II"), "Phase-I/II": _("phase I/II"),
          "Phase-I": _("phase I"), "Preclinical": _("preclinical"), "Preregistration": _("preregistration"),
          "Preregistration (w)": _("preregistration, then withdrawn"), "TBC": _("stage to be confirmed"),
          "Unknown": _("stage unknown")}
STATUSES = {"Active": _("active"), "Discontinued": _("discontinued"), "NFD": _("no further development"),
            "Unknown": _("status unknown")}
SPECIES = {"human": _("human"), "mouse": _("mouse"), "rabbit": _("rabbit"), "alpaca": _("alpaca or llama")}
SOURCES = {"heavy": _("heavy chain submitted"), "light": _("light chain submitted")}
SCHEMES = {"imgt": "IMGT", "kabat": "Kabat", "chothia": _("Chothia (Martin numbering)")}


def domain_label(chain: dict) -> str:
    """VH, VHH or VL: what an antibody engineer calls the domain."""
    if chain.get("chain_type") == "H":
        return "VHH" if chain.get("vhh") else "VH"
    return "VL" if chain.get("chain_type") else "?"


def where(chain: dict) -> str:
    """Where the domain lies in the submitted chain and what was left out, in words."""
    if not chain.get("submitted_length") or not chain.get("chain_type"):
        return ""
    text = _("residues %(start)d–%(end)d of the %(source)s") % {
        "start": chain["start"], "end": chain["end"], "source": label(SOURCES, chain.get("source", "heavy"))}
    if chain.get("trimmed_before") or chain.get("trimmed_after"):
        text += " · " + _("%(before)d residues left out before the domain (signal peptide, linker, other domain) "
                          "and %(after)d after it (linker, constant region, other domain)") % {
            "before": chain["trimmed_before"], "after": chain["trimmed_after"]}
    return str(text)


def label(table: dict, code) -> str:
    """The label of `code`, or the code itself when the table does not know it (a newer engine's code)."""
    return str(table.get(code, code))


def provenance(reference: dict) -> str:
    """Where the percentiles and bands come from, in the reader's language (no internal paths)."""
    return str(_(
        "Percentiles and bands compare each value with the %(count)s approved therapeutic antibodies of "
        "Thera-SAbDab (January 2020 export, Raybould et al., Nucleic Acids Research 2020) assessed by the same "
        "engine. Typical: inside the central 90 %% of their values; unusual: in the outer 5 %% on either side; "
        "outside the range: beyond every approved therapeutic. Sequence-based estimates, without a structure model."
    ) % {"count": reference.get("count", len(next(iter(reference.get("metrics", {}).values()), [])))})
