from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from guichet.core import exports
from guichet.core.actions import polled
from guichet.programmes.permissions import programmes_visible_to

from . import engine, labels, selectors, services
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


WORKSPACE_PAGE = 20   # assessments per page of the workspace
BATCH_PAGE = 50       # antibodies per page of a batch's list
INLINE_REPORTS = 20   # a batch of at most this many shows every report on its page; a larger one lists them
PDF_MAX_ANTIBODIES = 500  # one PDF for the whole batch up to this many; above, a PDF per antibody


def _workspace_page(request):
    return Paginator(assessments_visible_to(request.user).select_related("owner"), WORKSPACE_PAGE).get_page(
        request.GET.get("page"))


@login_required
def workspace(request):
    if request.method == "POST" and _too_large(request):
        refused = _("The sequences are longer than %(kb)s KB in all; send a file of several batches.") % {
            "kb": settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES // 1024}
        response = render(request, "antibodies/workspace.html", {
            "form": AssessForm(), "refused": refused, "assessments": _workspace_page(request)}, status=413)
        # No "Connection: close" here: a WSGI application may not send hop-by-hop headers (PEP 3333), and
        # wsgiref (runserver, the live server) answered a bare 500 for it; gunicorn ignores it and drains or
        # closes the connection itself.
        return response
    form = AssessForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        field = "file" if data.get("file") else "text"
        try:
            assessment = services.assessment_create(
                owner=request.user, title=data["title"], text=data["text"], cdr_scheme=data["cdr_scheme"],
                shared_with_organization=data["shared_with_organization"])
        except engine.InputError as exc:  # TooManyAntibodies included: its message says how many and the cap
            form.add_error(field, getattr(exc, "message", "") or _("Give FASTA, or a CSV with the columns name,heavy,light."))
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
    return render(request, "antibodies/workspace.html", {"form": form, "assessments": _workspace_page(request)})


@login_required
def progress(request, pk):
    assessment = _get(request, pk)
    return polled(request, "antibodies/_progress.html", {"assessment": assessment},
                  working=assessment.is_working)


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


def _antibody(index: int, item: dict) -> dict:
    """One report as its page shows it: the item with its labels, and each domain ready to display."""
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
    return {"index": index, "item": item, "chains": chains}


@login_required
def detail(request, pk):
    assessment = _get(request, pk)
    if request.method == "POST" and assessment.owner_id == request.user.pk:
        code = request.POST.get("programme", "")
        programme = programmes_visible_to(request.user).filter(code=code).first()
        if code and programme is None:  # it used to unlink silently, saying "Link saved."
            messages.error(request, _("No programme you may see has the code “%(code)s”.") % {"code": code[:40]})
        else:
            services.assessment_link_programme(actor=request.user, assessment=assessment, programme=programme)
            messages.success(request, _("Link saved."))
        return redirect("antibodies:detail", assessment.pk)
    count = selectors.antibody_count(assessment)
    antibodies, page = [], None
    if count <= INLINE_REPORTS and not assessment.is_working:
        antibodies = [_antibody(i, item) for i, item in selectors.antibody_page(assessment, offset=0, limit=count)]
    else:
        page = Paginator(range(count), BATCH_PAGE).get_page(request.GET.get("page"))
        offset = page.start_index() - 1 if count else 0
        page.summaries = selectors.antibody_summaries(assessment, offset=offset, limit=BATCH_PAGE)
        for summary in page.summaries:  # codes as a reader reads them ("human" is "humain" in French)
            summary["species_labels"] = [labels.label(labels.SPECIES, code) for code in summary["species"]]
    return render(request, "antibodies/detail.html", {
        "assessment": assessment, "antibodies": antibodies, "page": page, "count": count,
        "pdf_whole": count <= PDF_MAX_ANTIBODIES, "provenance": labels.provenance(engine.reference()),
        "scheme_label": labels.label(labels.SCHEMES, assessment.cdr_scheme),
        "programmes": programmes_visible_to(request.user).filter(owner__memberships__user=request.user)
        if assessment.owner_id == request.user.pk else []})


@login_required
@require_GET
def antibody(request, pk, number, fmt="html"):
    """One antibody of a batch on its own page (or its PDF); `number` counts from 1, in input order."""
    assessment = _get(request, pk)
    index = number - 1
    item = selectors.antibody_report(assessment, index) if index >= 0 else None
    if item is None:
        raise Http404
    if fmt == "pdf":
        from .report import pdf

        response = HttpResponse(pdf(assessment, [item], labels.provenance(engine.reference())),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}-{number}.pdf"'
        return response
    count = selectors.antibody_count(assessment)
    return render(request, "antibodies/antibody.html", {
        "assessment": assessment, "ab": _antibody(index, item), "count": count, "number": index + 1,
        "previous": number - 1 if number > 1 else None, "next": number + 1 if number < count else None,
        "batch_page": index // BATCH_PAGE + 1, "provenance": labels.provenance(engine.reference()),
        "scheme_label": labels.label(labels.SCHEMES, assessment.cdr_scheme)})


def _json_array(reports):
    """A JSON array written report by report (the export of a large batch is never one string in memory)."""
    import json

    yield "["
    for n, report in enumerate(reports):
        yield ("," if n else "") + "\n" + json.dumps(report, ensure_ascii=False, separators=(",", ":"))
    yield "\n]\n"


def _still_working(request, assessment) -> HttpResponse | None:
    """A batch's exports wait for its end: while the job runs they held the antibodies stored so far, and
    said nothing of the rest (a CSV of 10 antibodies for a batch of 43)."""
    if not assessment.is_working:
        return None
    messages.error(request, _("This batch is still being assessed: its exports are offered once it is done."))
    return redirect("antibodies:detail", assessment.pk)


@login_required
def export(request, pk, fmt):
    assessment = _get(request, pk)
    if waiting := _still_working(request, assessment):
        return waiting
    if fmt == "pdf":
        from .report import pdf

        if selectors.antibody_count(assessment) > PDF_MAX_ANTIBODIES:
            messages.error(request, _("A PDF holds at most %(max)d antibodies: open an antibody of the batch for its "
                                      "own PDF, or export the batch as CSV or JSON.") % {"max": PDF_MAX_ANTIBODIES})
            return redirect("antibodies:detail", assessment.pk)
        response = HttpResponse(pdf(assessment, selectors.iter_reports(assessment),
                                    labels.provenance(engine.reference())), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.pdf"'
        return response
    if fmt == "json":
        response = StreamingHttpResponse(_json_array(selectors.iter_reports(assessment)),
                                         content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.json"'
        return response
    return exports.csv_stream_response(f"assessment-{assessment.pk}.csv", CSV_COLUMNS, _csv_rows(assessment))


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
    for item in selectors.iter_reports(assessment):
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
    index, number = data.get("antibody") or 0, data.get("domain") or 0
    item = selectors.antibody_report(assessment, index) if data else None
    domains = _domains(item) if item else []
    if number >= len(domains) or domains[number]["errors"]:
        raise Http404
    chain, name = domains[number], f"{item['name']}_{number + 1}"
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
    """The numbering table, ANARCI-style: one row per domain, one column per position of the chosen scheme.

    Streamed in two passes over the rows: the positions every domain uses (the columns), then the domains."""
    assessment = _get(request, pk)
    if waiting := _still_working(request, assessment):
        return waiting

    def numbered():
        for item in selectors.iter_reports(assessment):
            for number, chain in enumerate(_domains(item)):
                if not chain["errors"] and chain.get("numbering"):
                    yield item["name"], number, chain

    codes = {c for _name, _number, chain in numbered() for c in chain["numbering"] if c != "-"}
    columns = sorted(codes, key=lambda c: _position_key(c, assessment.cdr_scheme))

    def body():
        for name, number, chain in numbered():
            at = {c: r for c, r in zip(chain["numbering"], chain["sequence"], strict=False) if c != "-"}
            yield [name, number, chain["chain_type"], chain.get("start", 1) - 1, chain.get("end", 0) - 1,
                   chain["v_gene"], chain["v_identity"], chain["j_gene"], chain["j_identity"],
                   *[at.get(c, "-") for c in columns]]

    # ANARCI's own column names (one header row: string columns), cells neutralised by core/exports.py.
    header = ["Id", "domain_no", "chain_type", "seqstart_index", "seqend_index", "v_gene", "v_identity",
              "j_gene", "j_identity", *columns]
    return exports.csv_stream_response(f"numbering-{assessment.pk}-{assessment.cdr_scheme}.csv", header, body())
