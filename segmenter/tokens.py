"""Word tokens for ranking and redundancy, in every script the feeds carry.

Scripts written with spaces (Latin, Cyrillic, Greek, Arabic, Hebrew, the Indic scripts)
give words: runs of letters, digits and combining marks (Devanagari and Telugu vowel
signs are marks, which `\\w` alone would cut words at). Han and kana are written without
spaces, so a run of them gives its character bigrams ("中国空间站" -> 中国 国空 空间 间站),
the usual unit for Chinese and Japanese retrieval without a dictionary.
"""

from __future__ import annotations

import re

_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_INDIC = "\u0900-\u0963\u0966-\u0dff"  # the Indic blocks, less the dandas
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTER = rf"(?:[^\W_{_CJK}]|[{_MARKS}{_INDIC}])"
_TOKEN = re.compile(rf"[{_CJK}]+|{_LETTER}+(?:['’-]{_LETTER}+)*")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "being", "but", "by", "for", "from",
    "has", "have", "he", "her", "his", "in", "into", "is", "it", "its", "of", "on", "or",
    "our", "said", "says", "she", "than", "that", "the", "their", "them", "they", "this", "to",
    "was", "were", "which", "who", "will", "with", "would", "also", "after", "over", "more",
    "new", "not", "one", "two", "first",
))  # fmt: skip


def tokens(text: str) -> list[str]:
    """Case-folded words (English stopwords and one-letter words dropped) and CJK bigrams."""
    out: list[str] = []
    for token in _TOKEN.findall(text.casefold()):
        if _CJK_RUN.fullmatch(token):
            out.extend(token[i : i + 2] for i in range(len(token) - 1))
        elif len(token) > 1 and token not in STOPWORDS:
            out.append(token)
    return out
