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
