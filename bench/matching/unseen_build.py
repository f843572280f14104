"""Shared helpers to write an unseen labelled set (directory-v1 + needs) from hand-written tables.

Each set's `source.py` holds the hand-written records and needs; this module only turns them into the two
JSON files and checks that every label names a record. Rebuild a set with
    python bench/matching/unseen-1/source.py
"""

import json
import unicodedata
from pathlib import Path


class Builder:
    def __init__(self, domain: str):
        self.domain = domain
        self.orgs, self.people, self.platforms, self.needs = [], [], [], []
        self.lang_of, self.kind_of = {}, {}

    def org(self, key, name, kind, lang, city, description, areas=(), keywords=(), web=False):
        rec = {"key": key, "name": name, "kind": kind, "lang": lang, "city": city, "description": description}
        if web:
            rec["website"] = f"https://{key}.{self.domain}"
        if areas:
            rec["therapeutic_areas"] = list(areas)
        if keywords:
            rec["keywords"] = list(keywords)
        self.orgs.append(rec)
        self._seen(key, lang, "organization")

    def person(self, key, name, org, title, lang, expertise):
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        first, last = ascii_name.split()[0], ascii_name.split()[-1]
        rec = {"key": key, "name": name, "organization": org, "title": title, "lang": lang,
               "expertise": expertise, "email": f"{first}.{last}@{self.domain}".replace("'", "")}
        self.people.append(rec)
        self._seen(key, lang, "person")

    def platform(self, key, name, org, lang, description, services=(), instruments=()):
        rec = {"key": key, "name": name, "organization": org, "lang": lang, "description": description,
               "services": [], "instruments": []}
        self._seen(key, lang, "platform")
        for skey, sname, slang, unit, prices, sdesc in services:
            s = {"key": f"{key}.{skey}", "name": sname, "lang": slang, "description": sdesc}
            if unit:
                s["unit"] = unit
            if prices:
                s["prices"] = dict(zip(("academic", "startup", "industry"), prices, strict=True))
            rec["services"].append(s)
            self._seen(s["key"], slang, "service")
        for ikey, iname, ilang, training, idesc in instruments:
            i = {"key": f"{key}.{ikey}", "name": iname, "lang": ilang, "description": idesc,
                 "requires_training": training}
            rec["instruments"].append(i)
            self._seen(i["key"], ilang, "instrument")
        self.platforms.append(rec)

    def _seen(self, key, lang, kind):
        assert key not in self.kind_of, f"duplicate key {key}"
        self.lang_of[key], self.kind_of[key] = lang, kind

    def need(self, text, lang, tags, labels):
        """labels: [(key, grade, why)], grade 3 = best answer, 2 = good, 1 = acceptable."""
        for key, grade, _why in labels:
            assert key in self.kind_of, f"need {text[:40]!r}: unknown key {key}"
            assert grade in (1, 2, 3)
        labels = sorted(labels, key=lambda lab: -lab[1])
        best = labels[0][0]
        self.needs.append({
            "id": None, "text": text, "lang": lang,
            "relevant": [k for k, _g, _w in labels],
            "grades": {k: g for k, g, _w in labels},
            "why": {k: w for k, _g, w in labels},
            "best_kind": self.kind_of[best], "best_lang": self.lang_of[best],
            "cross_lingual": self.lang_of[best] != lang,
            "tags": list(tags),
        })

    def write(self, folder: Path, prefix: str):
        orgs = {o["key"] for o in self.orgs}
        for rec in self.people + self.platforms:
            assert rec["organization"] in orgs, f"{rec['key']}: unknown organization {rec['organization']}"
        for i, need in enumerate(self.needs, 1):
            need["id"] = f"{prefix}-{i:03d}"
        payload = {"format": "guichet-directory", "version": 1, "organizations": self.orgs,
                   "people": self.people, "platforms": self.platforms}
        (folder / "directory.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
        (folder / "needs.json").write_text(json.dumps(self.needs, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
        n = len(self.needs)
        words = [len(x["text"].split()) for x in self.needs]
        print(f"{folder.name}: {len(self.kind_of)} records ({len(self.orgs)} organizations, {len(self.people)} "
              f"people, {len(self.platforms)} platforms, "
              f"{sum(len(p['services']) for p in self.platforms)} services, "
              f"{sum(len(p['instruments']) for p in self.platforms)} instruments); {n} needs: "
              f"{sum(x['lang'] == 'fr' for x in self.needs)} fr, {sum(x['lang'] == 'en' for x in self.needs)} en, "
              f"{sum(x['cross_lingual'] for x in self.needs)} cross-lingual; words {min(words)}-{max(words)}")
        kinds = {}
        for x in self.needs:
            kinds[x["best_kind"]] = kinds.get(x["best_kind"], 0) + 1
        tags = {}
        for x in self.needs:
            for t in x["tags"]:
                tags[t] = tags.get(t, 0) + 1
        print("  best kind:", kinds)
        print("  tags:", tags)
        langs = {}
        for v in self.lang_of.values():
            langs[v] = langs.get(v, 0) + 1
        print("  record languages:", langs)
