"""Exact duplicates out, near-duplicates grouped into story clusters.

Exact duplicates (same id; same canonical URL, guid or, lacking both, text within a
source) are dropped so that a report is stored once however many runs carry it. The same
URL from two sources is two reports: both are kept, and always share a cluster.

Near-duplicates are the same story from different outlets (a press release, a wire copy,
an agency statement re-published with light edits). They are kept, since each outlet's
report is evidence, but share a `cluster_id` so the digest and alerts treat the story once.
Similarity is exact Jaccard over 3-shingles of the cleaned title + summary (or
containment, for an excerpt of a longer text), counted with one sort of all the window's
shingle hashes: a window holds thousands of items, not millions, so exact counting is
cheap (10,000 items: well under a second) and needs no MinHash band tuning.

Thresholds, measured on the 208 distinct items of ../shared/feeds (real + excerpts) and
seeds/samples (21,528 pairs): the one true near-duplicate pair (NASA re-issuing a media
advisory with a new date) scores Jaccard 0.48 / containment 0.68; every pair of distinct
stories scores at most 0.12 / 0.33. Jaccard >= 0.4 or containment >= 0.7 sits in that gap
with room for boilerplate (a shared 13-word footer on two short items scores ~0.3).
Short texts never cluster (too few shingles to tell a shared phrase from a shared story).

A shingle is three tokens; a token is a word in scripts that separate words by spaces
(Latin, Cyrillic, Arabic, Hangul...) and one character in those that do not (Han, kana,
Thai, Lao, Khmer, Myanmar), so Chinese and Japanese compare by character 3-grams, the
usual unit for near-duplicate detection there (a Chinese word is one to two characters).

An `offsite` report (a feed linking outside its own site) may join another outlet's
story but never names one: a stored story is never renamed, so an outlet's report that
matches only offsite reports starts its own cluster rather than join the claimant's.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np

from spacebrief.ingest.types import Item, StoredStory

SHINGLE_WORDS = 3
MIN_SHINGLES = 8
JACCARD_THRESHOLD = 0.4
CONTAINMENT_THRESHOLD = 0.7
_COMMON_SHINGLE_POSTINGS = 500
_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff\u31f0-\u31ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0003134f"  # Han extensions
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")


def tokens(text: str) -> list[str]:
    """Words of spaced scripts, single characters of unspaced ones, in order."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[str]:
    words = tokens(text)
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def story_text(title: str, summary: str) -> str:
    return f"{title} {summary}"


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard, or containment when one short text sits wholly inside a longer one.

    Containment catches an outlet that runs only the first paragraph of a release that
    another carries in full; it needs both texts long enough to count.
    """
    if not a or not b:
        return 0.0
    shared = len(a & b)
    jaccard = shared / (len(a) + len(b) - shared)
    if jaccard >= JACCARD_THRESHOLD:
        return jaccard
    containment = shared / min(len(a), len(b))
    return jaccard if containment < CONTAINMENT_THRESHOLD else max(jaccard, JACCARD_THRESHOLD)


def drop_exact_duplicates(items: Iterable[Item], known: set[str] | None = None) -> list[Item]:
    """First occurrence of each report: by id, and by canonical URL, guid or text within
    its source.

    `known` holds keys already stored (the forms `identity_keys` gives), so the same call
    dedupes a batch and the batch against the warehouse.
    """
    seen = set(known or ())
    kept = []
    for item in items:
        keys = identity_keys(item)
        if seen.intersection(keys):
            continue
        seen.update(keys)
        kept.append(item)
    return kept


def identity_keys(item: Item) -> list[str]:
    """The id, and `url:`, `guid:` or (with neither) `text:` + source + value."""
    keys = [item.item_id]
    if item.url:
        keys.append(f"url:{item.source_id}\x1f{item.url}")
    if item.guid:
        keys.append(f"guid:{item.source_id}\x1f{item.guid}")
    if not item.url and not item.guid:
        keys.append(f"text:{item.source_id}\x1f{item.content_hash}")
    return keys


def _shingle_hashes(text: str) -> np.ndarray:
    """Distinct 3-shingles as 64-bit hashes (process-local; never stored)."""
    words = tokens(text)
    hashes = {
        hash(tuple(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    return np.fromiter(hashes, dtype=np.int64, count=len(hashes))


def _is_same_story(shared: np.ndarray, len_a: np.ndarray, len_b: np.ndarray) -> np.ndarray:
    jaccard = shared / (len_a + len_b - shared)
    containment = shared / np.minimum(len_a, len_b)
    return (jaccard >= JACCARD_THRESHOLD) | (containment >= CONTAINMENT_THRESHOLD)


def _expand_ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Concatenation of arange(start, stop) for each pair, without a Python loop."""
    sizes = stops - starts
    if not sizes.sum():
        return np.empty(0, np.int64)
    offsets = np.repeat(starts - np.r_[0, np.cumsum(sizes)[:-1]], sizes)
    return np.arange(sizes.sum(), dtype=np.int64) + offsets


def _shared_shingle_pairs(
    values: np.ndarray, owners: np.ndarray, first_new: int
) -> tuple[np.ndarray, ...]:
    """(a, b, shared) for every pair of documents sharing a shingle, one of them new.

    The postings (hash, document) are sorted by hash; each run of equal hashes is a shingle
    shared by the documents in it. Shingles in very many documents (boilerplate) are
    ignored, so the work stays proportional to real overlap.
    """
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    firsts, seconds = [], []
    pairs_of_two = starts[sizes == 2]
    firsts.append(owners[pairs_of_two])
    seconds.append(owners[pairs_of_two + 1])
    for start, size in zip(
        starts[(sizes > 2) & (sizes <= _COMMON_SHINGLE_POSTINGS)],
        sizes[(sizes > 2) & (sizes <= _COMMON_SHINGLE_POSTINGS)],
        strict=True,
    ):
        group = owners[start : start + size]
        left, right = np.triu_indices(size, k=1)
        firsts.append(group[left])
        seconds.append(group[right])
    a = np.concatenate(firsts)
    b = np.concatenate(seconds)
    low, high = np.minimum(a, b), np.maximum(a, b)
    keep = (high >= first_new) & (low != high)
    span = int(owners.max()) + 1 if len(owners) else 1
    keys, shared = np.unique(low[keep] * span + high[keep], return_counts=True)
    return keys // span, keys % span, shared


class StoryIndex:
    """The stories a run clusters against, shingled once, growing batch by batch.

    Ingest writes in batches; re-reading and re-shingling the whole window for every batch
    made a 1,000-feed first run twice as slow. The index keeps each story's shingle hashes
    as sorted postings, so a batch looks up only the hashes it brings (binary search) and
    then joins the index itself.
    """

    def __init__(self, stories: Iterable[StoredStory] = ()) -> None:
        self.ids: list[str] = []
        self.clusters: list[str] = []
        self.when: list = []
        self.offsite: list[bool] = []
        self.lengths = np.empty(0, np.int64)
        self._values = np.empty(0, np.int64)
        self._owners = np.empty(0, np.int64)
        self._by_url: dict[str, int] = {}
        stories = list(stories)
        self._add(
            stories,
            [_shingle_hashes(story_text(s.title, s.summary)) for s in stories],
        )

    def __len__(self) -> int:
        return len(self.ids)

    def assign(self, new_items: Sequence[Item]) -> list[Item]:
        """The new items with `cluster_id` set; they then join the index.

        A new item that matches a stored one (by text, or by the same canonical URL from
        another source) joins the stored item's cluster (stored ids never change, since
        alerts are keyed by them); new items that match only each other form a cluster
        named after the earliest of them. Offsite reports never name a cluster while an
        onsite report is there to name it.
        """
        if not new_items:
            return []
        first_new = len(self.ids)
        hashes = [_shingle_hashes(story_text(i.title, i.summary)) for i in new_items]
        new_values, new_owners = _postings(hashes, first_new)
        lengths = np.r_[self.lengths, [len(h) for h in hashes]].astype(np.int64)
        unique = np.unique(new_values)
        hits = _expand_ranges(
            np.searchsorted(self._values, unique, "left"),
            np.searchsorted(self._values, unique, "right"),
        )
        values = np.r_[self._values[hits], new_values]
        owners = np.r_[self._owners[hits], new_owners]
        if len(values) >= 2:
            a, b, shared = _shared_shingle_pairs(values, owners, first_new)
        else:
            a = b = shared = np.empty(0, np.int64)
        same = (
            _is_same_story(shared, lengths[a], lengths[b]) if len(shared) else shared.astype(bool)
        )

        ids = self.ids + [i.item_id for i in new_items]
        when = self.when + [i.published_at for i in new_items]
        clusters = self.clusters + [i.item_id for i in new_items]
        offsite = self.offsite + [i.offsite for i in new_items]
        pairs = list(zip(a[same].tolist(), b[same].tolist(), strict=True))
        first_with_url = dict(self._by_url)
        for n, item in enumerate(new_items):
            if item.url:
                pairs.append((first_with_url.setdefault(item.url, first_new + n), first_new + n))
        parent: dict[int, int] = {}
        for x, y in pairs:
            root_x, root_y = _find(parent, x), _find(parent, y)
            if root_x != root_y:
                parent[max(root_x, root_y)] = min(root_x, root_y)
        groups: dict[int, list[int]] = defaultdict(list)
        for position in list(parent):
            groups[_find(parent, position)].append(position)
        cluster_of: dict[int, str] = {}
        for root, members in groups.items():
            members = sorted({root, *members})
            stored = [m for m in members if m < first_new]
            new = [m for m in members if m >= first_new]
            pool = (
                [m for m in stored if not offsite[m]]
                or [m for m in new if not offsite[m]]
                or stored
                or new
            )
            earliest = min(pool, key=lambda m: (when[m], ids[m]))
            for member in new:
                cluster_of[member] = clusters[earliest]
        clustered = []
        for n, item in enumerate(new_items):
            cluster_id = cluster_of.get(first_new + n, item.item_id)
            clustered.append(
                item if item.cluster_id == cluster_id else replace(item, cluster_id=cluster_id)
            )
        self._add(clustered, hashes)
        return clustered

    def _add(self, stories: Sequence[Item | StoredStory], hashes: list) -> None:
        for n, story in enumerate(stories):
            if story.url:
                self._by_url.setdefault(story.url, len(self.ids) + n)
        values, owners = _postings(hashes, len(self.ids))
        order = np.argsort(values, kind="stable")
        values, owners = values[order], owners[order]
        at = np.searchsorted(self._values, values, "right")
        self._values = np.insert(self._values, at, values)
        self._owners = np.insert(self._owners, at, owners)
        self.ids += [s.item_id for s in stories]
        self.clusters += [s.cluster_id for s in stories]
        self.when += [s.published_at for s in stories]
        self.offsite += [s.offsite for s in stories]
        self.lengths = np.r_[self.lengths, [len(h) for h in hashes]].astype(np.int64)


def _postings(hashes: list[np.ndarray], first: int) -> tuple[np.ndarray, np.ndarray]:
    """(hash, document) pairs of the documents long enough to compare."""
    lengths = np.array([len(h) for h in hashes], dtype=np.int64)
    eligible = np.flatnonzero(lengths >= MIN_SHINGLES)
    if not len(eligible):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    values = np.concatenate([hashes[i] for i in eligible]).astype(np.int64)
    owners = np.repeat(eligible + first, lengths[eligible])
    return values, owners


def _find(parent: dict[int, int], key: int) -> int:
    while parent.get(key, key) != key:
        parent[key] = parent.get(parent[key], parent[key])
        key = parent[key]
    return key


def assign_clusters(new_items: Sequence[Item], recent: Iterable[StoredStory]) -> list[Item]:
    """The new items with `cluster_id` set, clustered against `recent` (see StoryIndex)."""
    return StoryIndex(recent).assign(new_items)
