"""Antibody assessment: throughput of full reports, the command line end to end (process start included)
against the bare `guichet check` start, and validation of the humanness scores on labelled chains and
antibodies (IMGT/mAb-DB origins; clinical anti-drug-antibody rates), from ../shared/data/therapeutic-antibodies.

    python bench/antibody_bench.py [--batch 1000] [--only humanization|anarci|job|cli]
    GUICHET_DATABASE_URL=postgres://... nice -n 10 python bench/antibody_bench.py --only job [--job-size 10000]
"""

import argparse
import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("GUICHET_SHARED_DIR", ROOT.parent / "shared")) / "data" / "therapeutic-antibodies"


def read_fasta(path: Path) -> dict[str, str]:
    records, name = {}, None
    for line in path.read_text().splitlines():
        if line.startswith(">"):
            name = line[1:].strip()
            records[name] = ""
        elif name:
            records[name] += line.strip()
    return records


def auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a positive scores above a negative (ties count half): the ROC AUC."""
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(values):
        order = sorted(range(len(values)), key=lambda i: values[i])
        r = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    return cov / ((sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5)


IMGT_CDRS = {"cdr1": (27, 38), "cdr2": (56, 65), "cdr3": (105, 117)}
# The CDR definitions each scheme's report uses, on that scheme's numbering (engine.CHOTHIA for Chothia; Kabat
# as AntPack labels it: H 31-35B, 50-65, 95-102; L 24-34, 50-56, 89-97).
KABAT_CDRS = {"H": {"cdr1": (31, 35), "cdr2": (50, 65), "cdr3": (95, 102)},
              "L": {"cdr1": (24, 34), "cdr2": (50, 56), "cdr3": (89, 97)}}


def _anarci_cdrs(numbered, scheme: str, chain: str) -> dict[str, str]:
    from guichet.antibodies import engine

    if scheme == "imgt":
        ranges = IMGT_CDRS
    elif scheme == "kabat":
        ranges = KABAT_CDRS["H" if chain == "H" else "L"]
    else:
        ranges = {name: (lo, hi) for name, lo, hi in engine.CHOTHIA["H" if chain == "H" else "L"]}
    return {name: "".join(aa for (pos, _ins), aa in numbered if lo <= pos <= hi and aa != "-")
            for name, (lo, hi) in ranges.items()}


def anarci_comparison(batch, ours_per_second: float) -> None:
    """Agreement with ANARCI (Dunbar & Deane 2016) on every distinct chain of the batch, measured in this run:
    CDRs in IMGT, Kabat and Chothia (our report in that scheme against ANARCI's numbering in it, same CDR
    definition), and the human V and J genes (agreement when ANARCI's allele is among the germlines we report
    tied at the best identity; also at the gene level, allele dropped). ANARCI-only numbering throughput."""
    import shutil

    from guichet.antibodies import engine

    try:
        from anarci import anarci
    except ImportError:
        print("  ANARCI not installed (pip install anarci; Debian hmmer): agreement check skipped")
        return
    if not shutil.which("hmmscan"):
        print("  hmmscan not found (apt-get install hmmer): agreement check skipped")
        return
    # Every distinct chain of the reference set: Thera-SAbDab's pairs and IMGT/mAb-DB's chains.
    sequences = sorted({seq for _name, heavy, light in batch for seq in (heavy, light)}
                       | set(read_fasta(DATA / "imgt_mab_db.fa").values()))
    for scheme in ("imgt", "kabat", "chothia"):
        ours = {seq: engine.assess_chain(seq, cdr_scheme=scheme) for seq in sequences}
        valid = [seq for seq in sequences if not ours[seq].errors]
        started = time.perf_counter()
        numbered, details, _hits = anarci([(str(i), s) for i, s in enumerate(valid)], scheme=scheme, output=False,
                                          assign_germline=scheme == "imgt", allowed_species=["human"])
        anarci_elapsed = time.perf_counter() - started
        agree = total = 0
        v_allele = v_gene = j_allele = j_gene = genes = 0
        for seq, result, detail in zip(valid, numbered, details, strict=True):
            if not result:
                continue
            total += 1
            chain = ours[seq]
            theirs = _anarci_cdrs(result[0][0], scheme, detail[0]["chain_type"])
            agree += all(theirs[k] == chain.cdrs.get(k, "") for k in theirs)
            germlines = detail[0].get("germlines") if scheme == "imgt" else None
            if germlines and germlines.get("v_gene") and germlines.get("j_gene"):
                genes += 1
                v, j = germlines["v_gene"][0][1], germlines["j_gene"][0][1]
                v_allele += v in chain.v_genes
                j_allele += j in chain.j_genes
                v_gene += v.split("*")[0] in {g.split("*")[0] for g in chain.v_genes}
                j_gene += j.split("*")[0] in {g.split("*")[0] for g in chain.j_genes}
        print(f"  {scheme.upper() if scheme == 'imgt' else scheme.capitalize()} CDRs agreeing with ANARCI: "
              f"{agree}/{total} distinct chains = {100 * agree / max(total, 1):.1f} % "
              f"(review: IMGT 99.5, Kabat 99.8, Chothia 99.6); {len(sequences) - len(valid)} refused by us")
        if genes:
            print(f"  human germlines against ANARCI's ({genes} chains; ties at the best identity count as agreement): "
                  f"V allele {100 * v_allele / genes:.1f} %, V gene {100 * v_gene / genes:.1f} %; "
                  f"J allele {100 * j_allele / genes:.1f} %, J gene {100 * j_gene / genes:.1f} %")
        if scheme == "imgt" and ours_per_second:
            anarci_antibodies = len(valid) / anarci_elapsed / 2
            print(f"  ANARCI numbering and germlines alone: {len(valid) / anarci_elapsed:.0f} chains/s "
                  f"({len(valid)} chains in {anarci_elapsed:.1f} s), i.e. {anarci_antibodies:.0f} antibodies/s; "
                  f"the full report runs at {ours_per_second / anarci_antibodies:.1f}x that rate")


def _run(command: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds of a new process (its children included: the workers of a large batch)."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _best(command: list[str], env: dict, times: int) -> tuple[float, float]:
    runs = [_run(command, env) for _ in range(times)]
    return min(w for w, _c in runs), min(c for _w, c in runs)


def command_line(batch) -> None:
    """`guichet assess` in a new process (start-up included) for 1 and 1,000 antibodies, against the bare
    `guichet check` start measured in the same run (best of three each; the 9-mer index already built). The
    modules' bytecode is written once, as an installed package has it (pip compiles it): with
    PYTHONDONTWRITEBYTECODE every start compiled the project's modules again, a second of CPU."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GUICHET_DEBUG": "1",
               "PYTHONPYCACHEPREFIX": str(Path(folder) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        guichet = [sys.executable, "-m", "guichet"]
        files = {}
        for count in (1, 1000):
            path = Path(folder) / f"batch{count}.fasta"
            path.write_text("".join(f">ab{i}_VH\n{h}\n>ab{i}_VL\n{light}\n"
                                    for i, (_n, h, light) in enumerate((batch * 2)[:count])))
            files[count] = path
        _run([*guichet, "assess", str(files[1])], env)   # builds the 9-mer index if absent (once per install)
        _run([*guichet, "check"], env)
        load = os.getloadavg()[0]
        check = _best([*guichet, "check"], env, 3)
        one = _best([*guichet, "assess", str(files[1]), "--json"], env, 3)
        thousand = _best([*guichet, "assess", str(files[1000]), "--json"], env, 2)
    print(f"  command line, new process (wall / CPU, best of 3 or 2; load {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores): guichet check {check[0]:.2f} / {check[1]:.2f} s; "
          f"one antibody {one[0]:.2f} / {one[1]:.2f} s ({one[0] / check[0]:.2f}x the bare start's wall, goal <= 3x); "
          f"1,000 antibodies {thousand[0]:.2f} / {thousand[1]:.2f} s (goal < 5 s)")


def humanization_check() -> None:
    """Method: for each humanized therapeutic chain of IMGT/mAb-DB, graft its own CDRs onto the proposals'
    frameworks (propose() on the approved humanized domain) and compare the best proposal with the approved
    form: same human V gene (or family) as the approved form's closest germline, humanness (OASis 9-mer)
    reached, and how far the approved form is from a straight graft (its mutations count)."""
    from guichet.antibodies import engine, humanize

    species = {r["INN_Number"]: r["Species"] for r in csv.DictReader((DATA / "imgt_mab_db.tsv").open(),
                                                                      delimiter="\t")}
    same_gene = same_family = at_least = total = 0
    gains, distance = [], []
    started = time.perf_counter()
    for name, seq in read_fasta(DATA / "imgt_mab_db.fa").items():
        if species.get(name.split("_")[0]) != "Humanized":
            continue
        chain = engine.assess_chain(seq)
        if chain.errors:
            continue
        proposals = humanize.propose(engine.asdict(chain))
        if not proposals:
            continue
        total += 1
        best = proposals[0]
        gene = best["framework"].split(" / ")[0].split("*")[0]
        approved = {g.split("*")[0] for g in chain.v_genes}
        same_gene += gene in approved
        same_family += gene.split("-")[0] in {g.split("-")[0] for g in approved}
        at_least += best["humanness"] >= chain.oasis_9mer
        gains.append(best["humanness"] - chain.oasis_9mer)
        graft = next(p for p in proposals if p["framework"] == best["framework"] and p["strategy"] == "graft")
        distance.append(graft["mutation_count"])
    elapsed = time.perf_counter() - started
    if total:
        gains.sort()
        distance.sort()
        print(f"  humanization, {total} humanized therapeutic chains (IMGT/mAb-DB), own CDRs regrafted: best "
              f"proposal on the approved form's closest human V gene {100 * same_gene / total:.1f} %, same family "
              f"{100 * same_family / total:.1f} %; humanness >= the approved form's {100 * at_least / total:.1f} % "
              f"(median gain {gains[len(gains) // 2]:+.3f}); median framework differences between the approved "
              f"form and a straight graft {distance[len(distance) // 2]} residues; {elapsed:.1f} s")


def _varied(batch, size: int) -> list[tuple[str, str, str]]:
    """`size` antibodies from the reference pairs, each copy after the first with one heavy-chain framework-1
    residue changed (positions 10-19, 20 letters in turn), so no two copies are the same sequence."""
    letters = "ACDEFGHIKLMNPQRSTVWY"
    out = []
    for k in range(size):
        name, heavy, light = batch[k % len(batch)]
        copy = k // len(batch)
        if copy:
            at = 10 + copy % 10
            heavy = heavy[:at] + letters[copy % 20] + heavy[at + 1:]
        out.append((f"{name}-{k:05d}", heavy, light))
    return out


def job_batch(batch, size: int) -> None:
    """`size` antibodies through the real job (database queue, `db_worker --batch` in this process): time per
    antibody against the bare engine on the first 500 of them (the floor, same run), rows and database size,
    then the batch page, a results page of the API and the streamed JSON export (in-process test client)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from guichet.accounts.models import User
    from guichet.antibodies import engine, services
    from guichet.antibodies.models import AssessedAntibody, Assessment

    assert settings.GUICHET_TASKS_BACKEND == "database"  # main() sets it for --only job
    call_command("migrate", verbosity=0)
    items = _varied(batch, size)
    text = "".join(f">{n}_VH\n{h}\n>{n}_VL\n{light}\n" for n, h, light in items)
    load_before = os.getloadavg()
    floor_n = min(500, size)
    started = time.perf_counter()
    for item in items[:floor_n]:
        engine.assess(*item)
    floor = (time.perf_counter() - started) / floor_n
    owner, _ = User.objects.get_or_create(email="bench-antibodies@example.org")
    Assessment.objects.filter(owner=owner).delete()
    assessment = services.assessment_create(owner=owner, title="bench", text=text, cdr_scheme="imgt",
                                            shared_with_organization=False, background=True)
    started, cpu = time.perf_counter(), time.process_time()
    call_command("db_worker", "--queue-name", "default", "--batch", "--no-reload", verbosity=0)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    assessment.refresh_from_db()
    rows = AssessedAntibody.objects.filter(assessment=assessment).count()
    table = AssessedAntibody._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s), pg_database_size(current_database())", [table])
            table_bytes, db_bytes = cursor.fetchone()
        else:
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = %s", [table])
            table_bytes, db_bytes = cursor.fetchone()[0], Path(connection.settings_dict["NAME"]).stat().st_size
    print(f"  batch job ({connection.vendor}, {size} antibodies, {input_mb(text):.1f} MB of FASTA): status "
          f"{assessment.status}, {rows} rows; {wall:.0f} s wall, {cpu:.0f} s CPU in the worker = "
          f"{1000 * wall / size:.1f} ms per antibody ({1000 * floor:.1f} ms bare engine on {floor_n} of them in "
          f"the same run: {wall / size / floor:.2f}x); table {table_bytes / 2**20:.0f} MB "
          f"({table_bytes / max(rows, 1) / 1024:.1f} KB per antibody), database {db_bytes / 2**20:.0f} MB; "
          f"load {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host (the test client's default 'testserver' is not)
    client.force_login(owner)
    for label, url in (("batch page (list, page 100)", f"/antibodies/{assessment.pk}/?page=100"),
                       ("one report's page", f"/antibodies/{assessment.pk}/{size}/"),
                       ("API results, 100 at offset 9,900", f"/api/v1/antibodies/batches/{assessment.pk}/results"
                                                            f"?offset={max(size - 100, 0)}&limit=100")):
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        print(f"  {label}: {1000 * (time.perf_counter() - started):.0f} ms in-process")
    started, total = time.perf_counter(), 0
    for part in client.get(f"/antibodies/{assessment.pk}.json").streaming_content:
        total += len(part)
    print(f"  JSON export streamed: {total / 2**20:.0f} MB in {time.perf_counter() - started:.1f} s in-process; "
          f"load {os.getloadavg()[0]:.1f}")
    Assessment.objects.filter(pk=assessment.pk).delete()


def input_mb(text: str) -> float:
    return len(text.encode()) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--only", choices=["humanization", "anarci", "job", "cli"], help="run one part only")
    parser.add_argument("--job-size", type=int, default=10_000, help="antibodies of the batch job (--only job)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"{DATA} is absent: antibody benchmark skipped")
        return 0
    os.environ.update(GUICHET_DEBUG="1", DJANGO_SETTINGS_MODULE="guichet.config.settings")
    if args.only == "job":
        os.environ["GUICHET_TASKS_BACKEND"] = "database"  # the real queue, run below by db_worker
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from guichet.antibodies import engine

    print("== antibody assessment")
    if args.only == "humanization":
        humanization_check()
        return 0
    if args.only == "cli":
        rows = [r for r in csv.DictReader((DATA / "TheraSAbDab_clean.tsv").open(), delimiter="\t")
                if r["Heavy Sequence"] and r["Light Sequence"] not in ("", "na")]
        command_line([(r["Therapeutic"], r["Heavy Sequence"], r["Light Sequence"]) for r in rows])
        return 0
    rows = [r for r in csv.DictReader((DATA / "TheraSAbDab_clean.tsv").open(), delimiter="\t")
            if r["Heavy Sequence"] and r["Light Sequence"] not in ("", "na")]
    batch = [(r["Therapeutic"], r["Heavy Sequence"], r["Light Sequence"]) for r in rows]
    batch = (batch * (args.batch // len(batch) + 1))[: args.batch]
    engine.assess(*batch[0])  # loads AntPack and promb once, as a running server has them
    if args.only == "anarci":
        anarci_comparison(batch, 0.0)
        return 0
    if args.only == "job":
        job_batch(batch, args.job_size)
        return 0
    started, cpu = time.perf_counter(), time.process_time()
    reports = [engine.assess(*item) for item in batch]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    ok = sum(1 for r in reports if r.heavy and not r.heavy.errors and r.light and not r.light.errors)
    print(f"  full reports: {len(batch)} antibodies in {elapsed:.1f} s, single process "
          f"({len(batch) / elapsed:.0f} antibodies/s; {cpu:.1f} s of CPU, the wall time on a shared machine "
          f"includes waiting; {ok} with both chains valid). Goal: 1,000 in under 15 s.")

    anarci_comparison(batch, len(batch) / elapsed)
    command_line(batch)

    species = {r["INN_Number"]: r["Species"] for r in csv.DictReader((DATA / "imgt_mab_db.tsv").open(),
                                                                      delimiter="\t")}
    by_origin: dict[str, list[float]] = {}
    germline: dict[str, list[float]] = {}
    for name, seq in read_fasta(DATA / "imgt_mab_db.fa").items():
        origin = species.get(name.split("_")[0], "")
        chain = engine.assess_chain(seq)
        if chain.errors:
            continue
        by_origin.setdefault(origin, []).append(chain.oasis_9mer)
        germline.setdefault(origin, []).append(chain.v_identity)
    # Per antibody (BioPhi's OASis identity of an antibody): the 9-mers of its chains together.
    from guichet.antibodies import kmers

    chains_of: dict[str, list[str]] = {}
    for name, seq in read_fasta(DATA / "imgt_mab_db.fa").items():
        chains_of.setdefault(name.split("_")[0], []).append(seq)
    per_antibody: dict[str, list[float]] = {}
    for inn, seqs in chains_of.items():
        found = total = 0
        for seq in seqs:
            domains = [c for c in engine.assess_chain_domains(seq) if not c.errors]
            for c in domains:
                windows = kmers.human_windows(c.sequence)
                found, total = found + int(windows.sum()), total + len(windows)
        if total:
            per_antibody.setdefault(species.get(inn, ""), []).append(found / total)
    for label, scores in (("OASis 9-mer per antibody", per_antibody), ("OASis 9-mer per chain", by_origin),
                          ("germline V identity per chain", germline)):
        human = scores.get("Human", [])
        for other in ("Mouse", "Humanized", "Chimeric"):
            if human and scores.get(other):
                unit = "antibodies" if label.endswith("per antibody") else "chains"
                print(f"  {label}: ROC AUC human vs {other.lower()} = {auc(human, scores[other]):.3f} "
                      f"({len(human)} vs {len(scores[other])} {unit})")

    ada = {r["Name"]: float(r["Immunogenicity"]) for r in csv.DictReader((DATA / "immunogenicity.tsv").open(),
                                                                         delimiter="\t")}
    chains = read_fasta(DATA / "immunogenicity_mabs.fa")
    xs, ys = [], []
    for name, rate in ada.items():
        h, light = chains.get(f"{name} VH"), chains.get(f"{name} VL")
        if not h or not light:
            continue
        report = engine.assess(name, h, light)
        if report.heavy.errors or report.light.errors:
            continue
        xs.append((report.heavy.oasis_9mer + report.light.oasis_9mer) / 2)
        ys.append(rate)
    humanization_check()
    if xs:
        print(f"  OASis 9-mer vs clinical ADA rate: Spearman rho = {spearman(xs, ys):.3f} over {len(xs)} "
              "therapeutics (negative: more human, less immunogenic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
