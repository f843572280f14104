from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from guichet.core import exports
from guichet.programmes.permissions import programmes_visible_to

from . import engine, labels, services
from .models import Assessment
from .permissions import assessments_visible_to


class AssessForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    text = forms.CharField(label=gettext_lazy("Sequences (FASTA, or CSV/TSV with name,heavy,light)"), required=False,
                           max_length=engine.MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}))
    file = forms.FileField(label=gettext_lazy("…or a file"), required=False)
    cdr_scheme = forms.ChoiceField(label=gettext_lazy("CDR definition"),
                                   choices=[("imgt", "IMGT"), ("kabat", "Kabat"), ("chothia", "Chothia")])
    shared_with_organization = forms.BooleanField(label=gettext_lazy("Share with my organization"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        limit = settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES
        if upload:
            if upload.size > limit:
                raise forms.ValidationError({"file": _("The file is larger than %(kb)s KB.") % {"kb": limit // 1024}})
            try:
                data["text"] = engine.decode_upload(upload.read())
            except engine.InputError as exc:
                raise forms.ValidationError({"file": exc.message or _("This file is not text: give a FASTA or CSV "
                                                                      "file.")}) from None
            if not data["text"].strip():
                raise forms.ValidationError({"file": _("This file is not text: give a FASTA or CSV file.")})
        elif len((data.get("text") or "").encode()) > limit:
            raise forms.ValidationError({"text": _("The sequences are longer than %(kb)s KB in all; send a file of "
                                                   "several batches.") % {"kb": limit // 1024}})
        # A text refused already (too long) was pasted: "paste sequences" would contradict its error.
        if not (data.get("text") or "").strip() and "text" not in self.errors:
            raise forms.ValidationError({"text": _("Paste sequences or choose a file.")})
        return data


def _too_large(request) -> bool:
    """Judged on the announced length, before the body is read: an 8.9 MB post is refused at once."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES + 64 * 1024  # the form's other fields


@login_required
def workspace(request):
    if request.method == "POST" and _too_large(request):
        refused = _("The sequences are longer than %(kb)s KB in all; send a file of several batches.") % {
            "kb": settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES // 1024}
        response = render(request, "antibodies/workspace.html", {
            "form": AssessForm(), "refused": refused, "assessments": assessments_visible_to(request.user).select_related("owner")[:100]},
            status=413)
        response["Connection"] = "close"  # the unread body is not kept waiting on this connection
        return response
    form = AssessForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_create(
                owner=request.user, title=data["title"], text=data["text"], cdr_scheme=data["cdr_scheme"],
                shared_with_organization=data["shared_with_organization"])
        except services.TooManyAntibodies as too_many:
            form.add_error("text", _("%(n)d antibodies: at most %(max)d in one batch.") % {
                "n": too_many.args[0], "max": settings.GUICHET_ANTIBODY_MAX_ANTIBODIES})
        except engine.InputError as exc:
            form.add_error("text", getattr(exc, "message", "") or _("Give FASTA, or a CSV with the columns name,heavy,light."))
        else:
            count = assessment.progress_total
            if assessment.is_working:
                messages.info(request, ngettext("%(n)d antibody: the assessment runs in the background.",
                                                "%(n)d antibodies: the assessment runs in the background.", count)
                              % {"n": count})
            else:
                messages.success(request, ngettext("%(n)d antibody assessed.", "%(n)d antibodies assessed.", count)
                                 % {"n": count})
            return redirect("antibodies:detail", assessment.pk)
    return render(request, "antibodies/workspace.html", {
        "form": form, "assessments": assessments_visible_to(request.user).select_related("owner")[:100]})


@login_required
def progress(request, pk):
    assessment = _get(request, pk)
    response = render(request, "antibodies/_progress.html", {"assessment": assessment})
    if not assessment.is_working:
        response["HX-Refresh"] = "true"
    return response


def _get(request, pk) -> Assessment:
    assessment = assessments_visible_to(request.user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def _segments(chain: dict) -> list[tuple[str, str, str]]:
    """The sequence cut into runs of one region (residues, region code, region label), for the aligned display."""
    out = []
    for residue, region in zip(chain["sequence"], chain["regions"], strict=False):
        if out and out[-1][1] == region:
            out[-1] = (out[-1][0] + residue, region, out[-1][2])
        else:
            out.append((residue, region, labels.label(labels.REGIONS, region)))
    return out


def humanness_map(chain: dict) -> dict:
    """Per residue, how many of the 9-mers covering it are not found in human repertoires (0 to 9), as runs of
    one level for the page, and the non-human 9-mers themselves with their positions (the map in words).
    Results stored before the map existed have it computed again from the domain's sequence."""
    from .kmers import K, human_windows

    sequence = chain["sequence"]
    if "nonhuman_9mers" in chain:
        starts = chain["nonhuman_9mers"]
    else:
        starts = [int(i) + 1 for i in (~human_windows(sequence)).nonzero()[0]] if len(sequence) >= K else []
    level = [0] * len(sequence)
    for start in starts:
        for i in range(start - 1, min(start - 1 + K, len(sequence))):
            level[i] += 1
    runs = []
    for residue, n in zip(sequence, level, strict=True):
        band = 0 if n == 0 else 1 if n <= 3 else 2 if n <= 6 else 3
        if runs and runs[-1][1] == band:
            runs[-1] = (runs[-1][0] + residue, band)
        else:
            runs.append((residue, band))
    windows = max(len(sequence) - K + 1, 0)
    return {"runs": runs, "peptides": [(sequence[s - 1:s - 1 + K], s, s + K - 1) for s in starts],
            "count": len(starts), "windows": windows}


def _domains(item: dict) -> list[dict]:
    """Every domain of the report (results of the first part hold heavy and light only)."""
    if item.get("domains"):
        return item["domains"]
    return [c for c in (item.get("heavy"), item.get("light")) if c]


def _readable(item: dict) -> dict:
    """The report item with a translated label beside each code shown on the page."""
    for chain in [*_domains(item), item.get("heavy"), item.get("light")]:
        if chain:
            chain["chain_type_label"] = labels.label(labels.CHAINS, chain.get("chain_type"))
            chain["domain_label"] = labels.domain_label(chain)
            chain["where"] = labels.where(chain)
            chain["species_label"] = labels.label(labels.SPECIES, chain.get("species", ""))
            chain["v_genes_text"] = ", ".join(chain.get("v_genes") or [chain.get("v_gene", "")])
            chain["j_genes_text"] = ", ".join(chain.get("j_genes") or [chain.get("j_gene", "")])
            for near in chain.get("nearest_clinical", []):
                near["stage_label"] = labels.label(labels.STAGES, near["stage"])
                near["status_label"] = labels.label(labels.STATUSES, near["status"])
            for x in chain.get("liabilities", []):
                x["kind_label"] = labels.label(labels.LIABILITIES, x["kind"])
                x["region_label"] = labels.label(labels.REGIONS, x["region"])
                x["reference"] = engine.LIABILITY_SOURCES.get(x.get("source", ""), "")
    item["developability_rows"] = _developability_rows(item.get("developability"))
    domains = _domains(item)
    for pair in item.get("pairs", [])[1:]:
        pair["rows"] = _developability_rows(pair["developability"])
        pair["heavy_number"], pair["light_number"] = pair["heavy"] + 1, pair["light"] + 1
    item["other_pairs"] = item.get("pairs", [])[1:] if len(domains) > 2 else []
    return item


def _developability_rows(developability) -> list[dict]:
    return [{"code": metric, "label": labels.label(labels.METRICS, metric),
             "band_label": labels.label(labels.BANDS, v["band"]), **v} for metric, v in (developability or {}).items()]


@login_required
def detail(request, pk):
    assessment = _get(request, pk)
    antibodies = []
    for item in assessment.result:
        item = _readable(item)
        chains = []
        for number, chain in enumerate(_domains(item), start=1):
            key = "heavy" if chain is item.get("heavy") or chain == item.get("heavy") else "light" if (
                chain == item.get("light")) else ""
            chains.append({"label": chain["domain_label"], "number": number, "chain": chain,
                           "partner": chain["pair"] + 1 if chain.get("pair") is not None else None,
                           "humanness": item["humanness"].get(key, {}) if key else {},
                           "segments": _segments(chain) if not chain["errors"] else [],
                           "human_map": humanness_map(chain) if not chain["errors"] else None})
        antibodies.append({"item": item, "chains": chains})
    if request.method == "POST" and assessment.owner_id == request.user.pk:
        code = request.POST.get("programme", "")
        programme = programmes_visible_to(request.user).filter(code=code).first()
        if code and programme is None:  # it used to unlink silently, saying "Link saved."
            messages.error(request, _("No programme you may see has the code “%(code)s”.") % {"code": code[:40]})
        else:
            services.assessment_link_programme(actor=request.user, assessment=assessment, programme=programme)
            messages.success(request, _("Link saved."))
        return redirect("antibodies:detail", assessment.pk)
    return render(request, "antibodies/detail.html", {
        "assessment": assessment, "antibodies": antibodies, "provenance": labels.provenance(engine.reference()),
        "scheme_label": labels.label(labels.SCHEMES, assessment.cdr_scheme),
        "programmes": programmes_visible_to(request.user).filter(owner__memberships__user=request.user)
        if assessment.owner_id == request.user.pk else []})


@login_required
def export(request, pk, fmt):
    assessment = _get(request, pk)
    if fmt == "pdf":
        from .report import pdf

        response = HttpResponse(pdf(assessment, labels.provenance(engine.reference())),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.pdf"'
        return response
    if fmt == "json":
        return JsonResponse(assessment.result, safe=False, json_dumps_params={"indent": 1})
    return exports.csv_response(f"assessment-{assessment.pk}.csv", CSV_COLUMNS, _csv_rows(assessment))


CSV_COLUMNS = [("antibody", gettext_lazy("Antibody")), ("chain", gettext_lazy("Chain")),
               ("type", gettext_lazy("Chain type")), ("errors", gettext_lazy("Errors")),
               ("warnings", gettext_lazy("Warnings")), ("source", gettext_lazy("Submitted chain")),
               ("start", gettext_lazy("Domain start")), ("end", gettext_lazy("Domain end")),
               ("trimmed_before", gettext_lazy("Residues left out before")),
               ("trimmed_after", gettext_lazy("Residues left out after")),
               ("pair", gettext_lazy("Paired with domain")),
               ("v_gene", gettext_lazy("V gene")), ("v_identity", gettext_lazy("V identity")),
               ("j_gene", gettext_lazy("J gene")), ("species", gettext_lazy("Closest species")),
               ("oasis_9mer", gettext_lazy("Humanness (OASis 9-mer)")),
               ("cdr1", "CDR1"), ("cdr2", "CDR2"), ("cdr3", "CDR3"), ("liabilities", gettext_lazy("Liabilities")),
               ("nearest", gettext_lazy("Nearest clinical antibodies"))]
# The engine's liability codes (antibodies.engine.liabilities), as a person reads them.
LIABILITY_LABELS = {"N-glycosylation": gettext_lazy("N-glycosylation"), "deamidation": gettext_lazy("deamidation"),
                    "isomerization": gettext_lazy("isomerization"), "oxidation": gettext_lazy("oxidation"),
                    "unpaired cysteine": gettext_lazy("unpaired cysteine"),
                    "acid cleavage": gettext_lazy("acid cleavage (Asp-Pro)"),
                    "pyroglutamate": gettext_lazy("N-terminal pyroglutamate")}


def _csv_rows(assessment):
    """One row per domain; tied germlines joined by " / "; liabilities as label motif@position (number)."""
    for item in assessment.result:
        for number, chain in enumerate(_domains(item), start=1):
            pair = chain.get("pair")
            yield [item["name"], f"{number} {labels.domain_label(chain)}", chain["chain_type"],
                   "; ".join(chain["errors"]), "; ".join(chain.get("warnings", [])),
                   labels.label(labels.SOURCES, chain.get("source", "")) if chain.get("source") else "",
                   chain.get("start", ""), chain.get("end", ""), chain.get("trimmed_before", ""),
                   chain.get("trimmed_after", ""), pair + 1 if pair is not None else "",
                   " / ".join(chain.get("v_genes") or [chain["v_gene"]]), chain["v_identity"],
                   " / ".join(chain.get("j_genes") or [chain["j_gene"]]),
                   labels.label(labels.SPECIES, chain.get("species", "")), chain["oasis_9mer"],
                   chain["cdrs"].get("cdr1", ""), chain["cdrs"].get("cdr2", ""), chain["cdrs"].get("cdr3", ""),
                   "; ".join(f"{labels.label(LIABILITY_LABELS, x['kind'])} {x['motif']}@{x['position']}"
                             + (f" ({x['number']})" if x.get("number") else "") for x in chain["liabilities"]),
                   "; ".join(f"{n['name']} {n['identity']:.3f}" for n in chain.get("nearest_clinical", []))]


MAX_BUDGET = 60   # more mutations than a framework holds


class HumanizeForm(forms.Form):
    antibody = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    domain = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    budget = forms.IntegerField(label=gettext_lazy("Mutation budget (at most this many mutations; empty: none)"),
                                min_value=0, max_value=MAX_BUDGET, required=False)


STRATEGY_LABELS = {
    "graft": gettext_lazy("CDR graft"),
    "graft_vernier": gettext_lazy("CDR graft, Vernier-zone residues kept"),
    "graft_vernier_interface": gettext_lazy("CDR graft, Vernier-zone and VH/VL-interface residues kept"),
}


@login_required
@require_GET
def humanize(request, pk, fmt="html"):
    """Humanization proposals for one domain of an assessment (CDR grafting, see humanize.py), or their FASTA."""
    from . import humanize as grafting

    assessment = _get(request, pk)
    form = HumanizeForm(request.GET)
    form.is_valid()
    # The domain is part of the address: one that is not there (or was not assessed) is not found.
    data = {k: form.cleaned_data.get(k) for k in ("antibody", "domain")} if "antibody" not in form.errors and (
        "domain" not in form.errors) else {}
    result = assessment.result or []
    index, number = data.get("antibody") or 0, data.get("domain") or 0
    domains = _domains(result[index]) if data and index < len(result) else []
    if number >= len(domains) or domains[number]["errors"]:
        raise Http404
    chain, name = domains[number], f"{result[index]['name']}_{number + 1}"
    budget = form.cleaned_data.get("budget") if "budget" not in form.errors else None
    proposals = grafting.propose(chain, budget=budget)
    if fmt == "fasta":
        response = HttpResponse(grafting.fasta(name, proposals), content_type="text/x-fasta; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="humanization-{assessment.pk}.fasta"'
        return response
    for p in proposals:
        strategy = p["strategy"].removesuffix("_budget")
        p["strategy_label"] = str(STRATEGY_LABELS.get(strategy, strategy)) + (
            " · " + _("within the budget") if p["strategy"].endswith("_budget") else "")
    return render(request, "antibodies/humanize.html", {
        "assessment": assessment, "form": form, "chain": chain, "name": name, "proposals": proposals,
        "domain_label": labels.domain_label(chain) if chain else "", "query": request.GET.urlencode()})


def _position_key(code: str, scheme: str) -> tuple:
    """ANARCI's column order: by number, then insertion letters; IMGT's 112 insertions run backwards
    (112B before 112A before 112), as the CDR3 grows from both ends."""
    number, letters = int(code.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), code.lstrip("0123456789")
    if scheme == "imgt" and number == 112:
        return (number, -len(letters), "".join(chr(155 - ord(c)) for c in letters))
    return (number, len(letters), letters)


@login_required
def numbering_csv(request, pk):
    """The numbering table, ANARCI-style: one row per domain, one column per position of the chosen scheme."""
    assessment = _get(request, pk)
    rows, codes = [], set()
    for item in assessment.result:
        for number, chain in enumerate(_domains(item)):
            if chain["errors"] or not chain.get("numbering"):
                continue
            at = {c: r for c, r in zip(chain["numbering"], chain["sequence"], strict=False) if c != "-"}
            codes |= set(at)
            rows.append((item["name"], number, chain, at))
    columns = sorted(codes, key=lambda c: _position_key(c, assessment.cdr_scheme))
    # ANARCI's own column names (one header row: string columns), cells neutralised by core/exports.py.
    header = ["Id", "domain_no", "chain_type", "seqstart_index", "seqend_index", "v_gene", "v_identity",
              "j_gene", "j_identity", *columns]
    body = [[name, number, chain["chain_type"], chain.get("start", 1) - 1, chain.get("end", 0) - 1,
             chain["v_gene"], chain["v_identity"], chain["j_gene"], chain["j_identity"],
             *[at.get(c, "-") for c in columns]] for name, number, chain, at in rows]
    return exports.csv_response(f"numbering-{assessment.pk}-{assessment.cdr_scheme}.csv", header, body)
