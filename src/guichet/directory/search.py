"""The directory's full-text index: one SearchEntry per record, one query for both databases.

Documents and queries both pass through guichet.core.text (folded, French and
English stems). PostgreSQL matches with to_tsquery over the GIN-indexed
generated column document_tsv; SQLite matches with FTS5. Callers use
`search_entries` and never see which one ran.
"""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from guichet.core.bulk import insert_rows, key_set, update_rows
from guichet.core.text import index_document, squeeze, stems, words
from guichet.matching import semantic
from guichet.matching.lexicon import lexicon
from guichet.matching.profile import concept_token, concept_tokens, tag_text, vocabulary
from guichet.platforms.models import Instrument, Platform, Service

from .kinds import records_of
from .models import Organization, Person, RecordKind, SearchEntry

SUMMARY_LENGTH = 240


def _clip(text: str, length: int = SUMMARY_LENGTH) -> str:
    text = squeeze(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def entry_values(record) -> dict:
    """The SearchEntry fields of one directory record (organization, person, platform, service, instrument)."""
    org = None
    if isinstance(record, Organization):
        kind, org = RecordKind.ORGANIZATION, record
        summary = record.description
        texts = [record.name, record.name, " ".join(record.keywords), record.description, record.city]
    elif isinstance(record, Person):
        kind, org = RecordKind.PERSON, record.organization
        summary = " · ".join(filter(None, [record.title, org.name if org else ""]))
        texts = [record.name, record.name, record.title, record.expertise, org.name if org else ""]
    elif isinstance(record, Platform):
        kind, org = RecordKind.PLATFORM, record.organization
        summary = record.description
        texts = [record.name, record.name, record.description, org.name]
    elif isinstance(record, (Service, Instrument)):
        kind = RecordKind.SERVICE if isinstance(record, Service) else RecordKind.INSTRUMENT
        org = record.platform.organization
        summary = record.description or record.platform.name
        texts = [record.name, record.name, record.description, record.platform.name]
    else:
        raise TypeError(f"not a directory record: {record!r}")
    tags = tag_text(*texts[1:])
    return {
        "record_kind": kind,
        "key": record.key,
        "object_id": record.pk,
        "name": record.name[:300],
        "summary": _clip(summary),
        "lang": record.lang,
        "org_kind": org.kind if org else "",
        "city": org.city if org else "",
        "areas": (" " + " ".join(org.therapeutic_areas) + " ") if org and org.therapeutic_areas else "",
        "sort_name": record.name.lower()[:300],
        "document": index_document(*texts) + " " + concept_tokens(tags),
        "concepts": tags,
        "embedding_text": _clip(" ".join(t for t in texts[1:] if t), 1000),
    }


def index_records(records: Iterable) -> None:
    """Create or refresh the entries of these records (call inside the writing transaction), in bulk.

    One batch: the texts are tagged, embedded together (one model call per batch) and written with bulk
    inserts and updates, so that an import of thousands of records stays fast."""
    unique = {}
    for record in records:  # a record may come twice (touched and a dependent of another): index it once
        unique[(type(record), record.pk)] = record
    rows = [entry_values(record) for record in unique.values()]
    if not rows:
        return
    texts = [values.pop("embedding_text") for values in rows]
    model = semantic.backend()
    stamp = semantic.stored_name(model) if model else None  # which encoder a stored vector came from
    keys = [v["key"] for v in rows]
    fields = ("id", "key", "name", "summary", "document", "embedding", "embedding_model") if model else ("id", "key")
    existing = {e[1]: e for e in SearchEntry.objects.filter(key__in=key_set(keys)).values_list(*fields)}
    vectors: list = [None] * len(rows)
    if model:
        # A record whose indexed text did not change keeps its vector: re-imports and re-tagging do not pay
        # the model again (the name, summary and document of stems and concepts are what the text says).
        stale = []
        for i, values in enumerate(rows):
            old = existing.get(values["key"])
            if old is not None and old[5] and old[6] == stamp and old[2:5] == (
                    values["name"], values["summary"], values["document"]):
                vectors[i] = bytes(old[5])
            else:
                stale.append(i)
        for i, vector in zip(stale, semantic.embed([texts[i] for i in stale], name=model), strict=True):
            vectors[i] = vector.astype("float32").tobytes()
    now = timezone.now()
    new, changed = [], []
    for values, vector in zip(rows, vectors, strict=True):
        # Without a backend the vector goes: a stale one would rank the record on its old text.
        row = (*(values[f] for f in ENTRY_FIELDS), vector, stamp if vector is not None else None, now)
        old = existing.get(values["key"])
        if old is None:
            new.append(row)
        else:
            changed.append((*row, old[0]))
    # Plain tuples through one prepared statement: no model instance per entry (an import writes 100k).
    with _full_text_after(len(new)):
        insert_rows(SearchEntry, WRITTEN_FIELDS, new)
    update_rows(SearchEntry, WRITTEN_FIELDS, changed)


FTS_BULK_ROWS = 500  # from this many new entries, SQLite's full-text rows are written by one statement
_FTS_INSERT_TRIGGER = "directory_searchentry_ai"


@contextmanager
def _full_text_after(rows: int):
    """On SQLite, let the entries inserted in this block reach the FTS5 table in one INSERT … SELECT at its end
    rather than through the per-row trigger (migration 0002): six times less work for the same index.

    The trigger is dropped and created again from its own stored SQL inside the caller's transaction: SQLite's
    DDL is transactional, so a rollback (or a process killed mid-way) restores it with everything else, and
    the writing transaction holds the database's only write lock, so no other insert can miss it meanwhile.
    """
    if connection.vendor != "sqlite" or rows < FTS_BULK_ROWS:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [_FTS_INSERT_TRIGGER])
        found = cursor.fetchone()
        if found is None:  # not the schema this was written for: leave the trigger's work to it
            yield
            return
        cursor.execute("SELECT coalesce(max(id), 0) FROM directory_searchentry")
        (before,) = cursor.fetchone()
        cursor.execute(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}")
        try:
            yield
        finally:
            # Even after an error (a caller's savepoint may carry on): the rows written so far get their full-text
            # rows and the trigger is back. Ids only grow (AUTOINCREMENT) and this transaction is the only
            # writer: the new rows are those above `before`.
            cursor.execute("INSERT INTO directory_searchentry_fts(rowid, document) "
                           "SELECT id, document FROM directory_searchentry WHERE id > %s", [before])
            cursor.execute(found[0])


ENTRY_FIELDS = ("record_kind", "key", "object_id", "name", "summary", "lang", "org_kind", "city", "areas",
                "sort_name", "document", "concepts")
WRITTEN_FIELDS = (*ENTRY_FIELDS, "embedding", "embedding_model", "indexed_at")


def retag_entries(labels: Iterable[str]) -> int:
    """Re-index the entries whose words could hold one of these labels (after a vocabulary change)."""
    tokens = sorted({s for label in labels for w in words(label) for s in stems(w)})
    if not tokens:
        return 0
    ids = matching_ids(any_of(tokens))
    entries = list(SearchEntry.objects.filter(id__in=ids).only("record_kind", "object_id"))
    records = records_of(entries)
    index_records(records)
    return len(records)


def index_remove(keys: Iterable[str]) -> None:
    SearchEntry.objects.filter(key__in=list(keys)).delete()


def expanded_terms(text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """One group per query word: (its own stems, what else may stand for it) — the concepts the word is part
    of ("anticorps humanisés" → humanization) and its translations ("rein" → "kidney"), the same concepts
    and bridge as the desk's matching (issue 15, item 9)."""
    folded = words(text)
    carried: dict[str, set[str]] = defaultdict(set)
    for detection in vocabulary().detect(text):
        for word in detection.words:
            carried[word].add(concept_token(detection.concept))
    lex, seen, groups = lexicon(), set(), []
    for word in folded:
        own = stems(word)
        if own in seen:
            continue
        seen.add(own)
        extra = set(carried.get(word, ()))
        if word not in carried and len(word) > 2:
            for translation in lex.translate(word)[:4]:
                if " " not in translation:
                    extra.update(stems(translation))
        groups.append((own, tuple(sorted(extra - set(own)))))
    return groups[:32]


def match_expression(text: str, *, prefix: bool = False) -> str | None:
    """The full-text expression for this backend, or None when the text has no searchable word."""
    terms = expanded_terms(text)
    if not terms:
        return None
    pg = connection.vendor == "postgresql"
    groups = []
    for position, (own, extra) in enumerate(terms):
        last = prefix and position == len(terms) - 1
        if pg:
            alts = [f"{a}:*" if last else a for a in own] + list(extra)
            groups.append("(" + " | ".join(alts) + ")")
        else:
            alts = [f'"{a}"*' if last else f'"{a}"' for a in own] + [f'"{a}"' for a in extra]
            groups.append("(" + " OR ".join(alts) + ")")
    return (" & " if pg else " AND ").join(groups)


@dataclass(frozen=True)
class SearchFilters:
    record_kind: str = ""
    org_kind: str = ""
    area: str = ""
    city: str = ""

    def sql(self, alias: str) -> tuple[list[str], list]:
        where, params = [], []
        if self.record_kind:
            where.append(f"{alias}.record_kind = %s")
            params.append(self.record_kind)
        if self.org_kind:
            where.append(f"{alias}.org_kind = %s")
            params.append(self.org_kind)
        if self.city:
            where.append(f"{alias}.city = %s")
            params.append(self.city)
        if self.area:
            where.append(f"{alias}.areas LIKE %s")
            params.append(f"% {self.area} %")
        return where, params


def any_of(tokens: Iterable[str]) -> str:
    """The expression matching entries that hold any of these index tokens (stems or concept tokens)."""
    if connection.vendor == "postgresql":
        return " | ".join(tokens)
    return " OR ".join(f'"{t}"' for t in tokens)


def _matching_sql(select: str) -> str:
    if connection.vendor == "postgresql":
        return f"SELECT {select} FROM directory_searchentry WHERE document_tsv @@ to_tsquery('simple'::regconfig, %s)"
    return f"SELECT {select} FROM directory_searchentry_fts WHERE directory_searchentry_fts MATCH %s"


def count_matching(expression: str) -> int:
    """How many entries the expression matches (the matching's document frequencies)."""
    with connection.cursor() as cursor:
        cursor.execute(_matching_sql("count(*)"), [expression])
        return cursor.fetchone()[0]


def matching_ids(expression: str) -> list[int]:
    """Ids of every entry the expression matches, unranked."""
    with connection.cursor() as cursor:
        cursor.execute(_matching_sql("id" if connection.vendor == "postgresql" else "rowid"), [expression])
        return [row[0] for row in cursor.fetchall()]


def ranked_ids(expression: str, filters: SearchFilters | None = None, *, limit: int, offset: int = 0) -> list[int]:
    """Ids of matching entries, best first (ties by name). With count_matching and matching_ids, the one place
    where the two databases differ: no other module writes full-text SQL."""
    filters = filters or SearchFilters()
    where, params = filters.sql("e")
    extra = "".join(f" AND {clause}" for clause in where)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT e.id FROM directory_searchentry e, to_tsquery('simple'::regconfig, %s) q "
            "WHERE e.document_tsv @@ q" + extra +
            " ORDER BY ts_rank(e.document_tsv, q) DESC, e.sort_name, e.id"
            " LIMIT %s OFFSET %s"
        )
    else:
        sql = (
            "SELECT e.id FROM directory_searchentry_fts f JOIN directory_searchentry e ON e.id = f.rowid "
            "WHERE directory_searchentry_fts MATCH %s" + extra +
            " ORDER BY f.rank, e.sort_name, e.id LIMIT %s OFFSET %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def search_entries(text: str, filters: SearchFilters = SearchFilters(), *, limit: int = 20, offset: int = 0,
                   prefix: bool = False) -> tuple[list[SearchEntry], bool]:
    """A page of entries matching the text (all entries by name when it is blank), and whether more follow."""
    expression = match_expression(text, prefix=prefix) if text and text.strip() else None
    if text and text.strip() and expression is None:
        return [], False
    if expression is None:
        qs = SearchEntry.objects.all()
        if filters.record_kind:
            qs = qs.filter(record_kind=filters.record_kind)
        if filters.org_kind:
            qs = qs.filter(org_kind=filters.org_kind)
        if filters.city:
            qs = qs.filter(city=filters.city)
        if filters.area:
            qs = qs.filter(areas__contains=f" {filters.area} ")
        page = list(qs.order_by("sort_name", "id")[offset: offset + limit + 1])
        return page[:limit], len(page) > limit
    ids = ranked_ids(expression, filters, limit=limit + 1, offset=offset)
    by_id = SearchEntry.objects.in_bulk(ids[:limit])
    return [by_id[i] for i in ids[:limit] if i in by_id], len(ids) > limit
