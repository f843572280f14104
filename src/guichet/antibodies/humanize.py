"""Humanization proposals by CDR grafting (Jones et al., Nature 1986): the CDRs of a domain kept, its frameworks
taken from the closest human germlines (AntPack's IMGT-gapped V and J genes), with optional back-mutations to
the parent at Vernier-zone and VH/VL-interface positions; variants ranked by humanness and germline identity."""

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

FRAMEWORKS = 3   # closest human V genes, each a family of variants
# IMGT CDRs, and Kabat's (longer CDR-H2 and -L1): a residue in either is the parent's in every variant.
IMGT_CDRS = ((27, 38), (56, 65), (105, 117))
KABAT_CDRS = {"H": ((31, 35), (50, 65), (95, 102)), "L": ((24, 34), (50, 56), (89, 97))}
# Kabat positions under the CDRs that shape them (Foote & Winter, J. Mol. Biol. 1992), and at the VH/VL
# interface (Chothia et al., J. Mol. Biol. 1985; Vargas-Madrazo & Paz, J. Mol. Recognit. 2003).
VERNIER = {"H": {"2", "27", "28", "29", "30", "47", "48", "49", "67", "69", "71", "73", "78", "93", "94", "103"},
           "L": {"2", "4", "35", "36", "46", "47", "48", "49", "64", "66", "68", "69", "71", "98"}}
INTERFACE = {"H": {"35", "37", "39", "44", "45", "47", "91", "93", "95", "103"},
             "L": {"34", "36", "38", "44", "46", "87", "89", "91", "96", "98"}}
STRATEGIES = ("graft", "graft_vernier", "graft_vernier_interface")


@dataclass
class Proposal:
    framework: str               # the human V gene (and J gene) whose frameworks were grafted
    strategy: str                # one of STRATEGIES, or *_budget when reverted to fit the mutation budget
    sequence: str
    mutations: list[str] = field(default_factory=list)   # parent residue, IMGT position, new residue: Q5V
    humanness: float = 0.0       # OASis 9-mer content of the variant
    germline_identity: float = 0.0   # to the human V gene, over its positions
    rank: int = 0

    def as_dict(self) -> dict:
        return {**asdict(self), "mutation_count": len(self.mutations)}


@lru_cache(maxsize=1)
def _human_genes() -> dict:
    """Human V and J genes per chain kind: names and a (genes x 128) matrix of IMGT-gapped residues."""
    from .engine import _vj_tool

    sequences, names = _vj_tool().get_seq_lists()
    genes = {}
    for key in ("IGHV", "IGHJ", "IGKV", "IGKJ", "IGLV", "IGLJ"):
        seqs = sequences[f"human_{key}"]
        genes[key] = (names[f"human_{key}"], np.array([[ord(c) for c in s] for s in seqs], dtype=np.uint8))
    return genes


def _kabat_cdr(code: str, kind: str) -> bool:
    match = re.match(r"\d+", code or "")
    return bool(match) and any(lo <= int(match.group()) <= hi for lo, hi in KABAT_CDRS[kind])


def _imgt_position(code: str) -> int | None:
    """The IMGT position of a standard code (no insertion letter), else None."""
    return int(code) if code.isdigit() else None


def propose(chain: dict, *, budget: int | None = None, count: int = FRAMEWORKS) -> list[dict]:
    """Ranked proposals for one assessed domain (a ChainReport as a dict: sequence, chain_type, imgt, kabat)."""
    from .kmers import human_content

    kind = "H" if chain["chain_type"] == "H" else "L"
    prefix = {"H": "IGH", "K": "IGK", "L": "IGL"}[chain["chain_type"]]
    v_names, v_matrix = _human_genes()[f"{prefix}V"]
    j_names, j_matrix = _human_genes()[f"{prefix}J"]
    sequence, imgt, kabat = chain["sequence"], chain["imgt"], chain["kabat"]
    parent = np.zeros(128, dtype=np.uint8)
    protected = np.zeros(128, dtype=bool)
    for residue, code, kabat_code in zip(sequence, imgt, kabat, strict=False):
        position = _imgt_position(code)
        if position and position <= 128:
            parent[position - 1] = ord(residue)
            cdr = any(lo <= position <= hi for lo, hi in IMGT_CDRS) or _kabat_cdr(kabat_code, kind)
            protected[position - 1] = cdr
    framework = ~protected & (parent != 0)
    # Closest human V genes over the framework positions of V (IMGT 1-104), best J over 118-128.
    v_part, j_part = framework.copy(), framework.copy()
    v_part[104:], j_part[:117] = False, False
    v_scores = ((v_matrix == parent) & v_part).sum(axis=1) / np.maximum(v_part.sum(), 1)
    j_scores = ((j_matrix == parent) & j_part).sum(axis=1)
    best_j = int(np.argmax(j_scores))
    seen_genes, order = set(), []
    for index in np.argsort(-v_scores, kind="stable"):   # one allele per gene
        gene = v_names[index].split("*")[0]
        if gene not in seen_genes:
            seen_genes.add(gene)
            order.append(int(index))
        if len(order) == count:
            break
    proposals, seen = [], set()
    for index in order:
        germline = v_matrix[index].copy()
        germline[117:] = j_matrix[best_j][117:]
        for strategy in STRATEGIES:
            keep = set()
            if strategy != "graft":
                keep |= VERNIER[kind]
            if strategy == "graft_vernier_interface":
                keep |= INTERFACE[kind]
            mutations = []
            for i, (residue, code, kabat_code) in enumerate(zip(sequence, imgt, kabat, strict=False)):
                position = _imgt_position(code)
                if not position or position > 128 or not framework[position - 1]:
                    continue
                new = chr(germline[position - 1]) if germline[position - 1] not in (0, ord("-")) else residue
                if new != residue and kabat_code not in keep:
                    mutations.append((i, residue, code, new))
            name = f"{v_names[index]} / {j_names[best_j]}"
            variants = [(strategy, mutations)]
            if budget is not None and len(mutations) > budget:
                variants = [(f"{strategy}_budget", _fit(sequence, mutations, budget, human_content))]
            for label, chosen in variants:
                variant = _apply(sequence, chosen)
                if variant in seen:
                    continue
                seen.add(variant)
                proposals.append(Proposal(
                    framework=name, strategy=label, sequence=variant,
                    mutations=[f"{old}{code}{new}" for _i, old, code, new in chosen],
                    humanness=round(human_content(variant), 4),
                    germline_identity=round(_germline_identity(variant, imgt, v_matrix[index]), 4)))
    proposals.sort(key=lambda p: (-p.humanness, -p.germline_identity, len(p.mutations)))
    for rank, proposal in enumerate(proposals, start=1):
        proposal.rank = rank
    return [p.as_dict() for p in proposals]


def _apply(sequence: str, mutations) -> str:
    residues = list(sequence)
    for i, _old, _code, new in mutations:
        residues[i] = new
    return "".join(residues)


def _fit(sequence: str, mutations: list, budget: int, score) -> list:
    """Keep the `budget` mutations whose loss would cost the most humanness (each judged once against the whole
    graft: a single pass, fast enough for a page)."""
    whole = score(_apply(sequence, mutations))
    losses = [(whole - score(_apply(sequence, mutations[:k] + mutations[k + 1:])), k) for k in range(len(mutations))]
    keep = sorted(k for _loss, k in sorted(losses, key=lambda x: (-x[0], x[1]))[:budget])
    return [mutations[k] for k in keep]


def _germline_identity(variant: str, imgt: list[str], germline: np.ndarray) -> float:
    """Share of the V gene's residues (IMGT 1-104... its non-gap positions) the variant has at the same place."""
    at = {int(c): r for c, r in zip(imgt, variant, strict=False) if c.isdigit()}
    positions = [p for p in range(1, 129) if germline[p - 1] not in (0, ord("-"))]
    return sum(at.get(p) == chr(germline[p - 1]) for p in positions) / max(len(positions), 1)


def fasta(name: str, proposals: list[dict]) -> str:
    """The proposals as FASTA, each header with its rank, framework, strategy and mutation count."""
    return "".join(f">{name}_h{p['rank']} {p['framework']} {p['strategy']} mutations={p['mutation_count']} "
                   f"oasis={p['humanness']:.3f}\n{p['sequence']}\n" for p in proposals)
