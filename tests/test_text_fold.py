"""core.text.fold folds character by character through a cached table: the same string as NFKD of the whole
text without its combining marks (issue 17, the cost of indexing French texts)."""

import unicodedata

from guichet.core.text import fold


def _reference(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("œ", "oe").replace("æ", "ae")


def test_fold_is_nfkd_without_marks():
    texts = ["Cytométrie en flux", "Œuvre et Æther", "ΣΑΣ aΣ b", "İstanbul", "ﬁbre ½ ℌ", "e\u0301\u0327 ç",
             "Hôpital Nord — « tri cellulaire »", "Ångström naïve façade", "한국어 テスト", "𝐀𝐁𝐂"]
    texts += ["".join(chr(c) for c in range(start, start + 64)) for start in range(0x80, 0x3000, 64)]
    for text in texts:
        assert fold(text) == _reference(text), text
    assert fold("Cytométrie") == "cytometrie"
