"""Similar past complaints, computed locally: character n-gram TF-IDF and cosine similarity.

Computed per page view over a bounded candidate set chosen in SQL: the complaints the viewer
may see (``access.visible_complaints`` — reach and confidentiality), of this estate or the
whole company (``RoutingSettings.similar_company_wide``), within ``similar_days``, newest
``MAX_CANDIDATES`` first. Chinese has no spaces, so character 2–3-grams (after dropping
punctuation) carry the words (漏水, 电梯, 停车位) and survive typos; single characters (了, 的)
only added noise. The n-grams are hashed (no vocabulary to fit) and each complaint's counts are
kept per process, so a page view only weighs and multiplies sparse rows. Measured with
``bench/routing_similar.py`` on the shared 2-core machine (load ≈ 3): 1,000 candidates take
~45 ms cold and ~13 ms warm (median).

Hook for a case library: ``register_source(fn)`` adds another source; ``fn(complaint, viewer,
text)`` returns ``Similar`` items (with their own ``url``), ranked together with complaints.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from anju.complaints import access
from anju.complaints.models import Complaint, Status
from anju.routing.models import RoutingSettings

MAX_CANDIDATES = 1000
MAX_CHARS = 300  # the start of a long letter says what it is about; keeps the work bounded
MIN_SCORE = 0.08
# A past complaint of the same category is about the same kind of problem: its text
# similarity counts this much more, so shared wording about something else (the angry
# "第三次反映了 … 12345" every category has) does not outrank the same problem.
SAME_CATEGORY_WEIGHT = 1.5


@dataclass
class Similar:
    title: str
    text: str
    score: float
    url: str
    kind: str = "complaint"  # "case" for the case library
    complaint: Complaint | None = None


Source = Callable[[Complaint, Any, str], list[Similar]]
SOURCES: list[Source] = []


def register_source(source: Source) -> Source:
    SOURCES.append(source)
    return source


def text_of(c: Complaint) -> str:
    return f"{c.title} {c.description}".strip()


def candidates(complaint: Complaint, viewer: Any) -> list[Complaint]:
    conf = RoutingSettings.for_company(complaint.estate.company_id)
    qs = access.visible_complaints(viewer).exclude(pk=complaint.pk).exclude(
        status__in=[Status.WITHDRAWN, Status.MERGED])
    if conf.similar_company_wide:
        qs = qs.filter(estate__company_id=complaint.estate.company_id)
    else:
        qs = qs.filter(estate_id=complaint.estate_id)
    since = timezone.now() - timedelta(days=conf.similar_days)
    return list(qs.filter(created_at__gte=since).select_related("category", "estate")
                .only("number", "title", "description", "status", "created_at", "result",
                      "category__name", "category__name_en", "estate__name")
                .order_by("-created_at")[:MAX_CANDIDATES])


_NOISE = re.compile(r"[\W_]+")
N_FEATURES = 2**20
CACHE_SIZE = 20_000  # analysed complaints kept per process (about 1 kB each)
_cache: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
_hasher: Any = None


def _normalise(text: str) -> str:
    """Lower case, punctuation and spaces out: 漏水。/漏水 ! and "漏 水" give the same n-grams."""
    return _NOISE.sub("", text.lower())


def _analyse(texts: list[str]) -> list[tuple[Any, Any]]:
    """Hashed character 2–3-gram counts of each text, as (indices, counts) arrays."""
    global _hasher
    if not texts:
        return []
    if _hasher is None:
        import numpy as np
        from sklearn.feature_extraction.text import HashingVectorizer

        _hasher = HashingVectorizer(analyzer="char", ngram_range=(2, 3), preprocessor=_normalise,
                                    n_features=N_FEATURES, alternate_sign=False, norm=None,
                                    dtype=np.float32)
    matrix = _hasher.transform([t[:MAX_CHARS] for t in texts])
    return [(matrix.indices[a:b].copy(), matrix.data[a:b].copy())
            for a, b in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)]


def _rows(texts: list[str], keys: list[Any] | None) -> list[tuple[Any, Any]]:
    """Analysed rows, from the per-process cache when a key (complaint id) is given."""
    if keys is None:
        return _analyse(texts)
    missing = [i for i, k in enumerate(keys) if k not in _cache]
    for i, row in zip(missing, _analyse([texts[i] for i in missing]), strict=True):
        _cache[keys[i]] = row
    rows = []
    for k in keys:
        _cache.move_to_end(k)
        rows.append(_cache[k])
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return rows


def rank(query: str, texts: list[str], keys: list[Any] | None = None) -> list[float]:
    """Cosine similarity of ``query`` to each text: TF-IDF (sublinear tf, smooth idf over this
    pool) of hashed character 2–3-grams. ``keys`` (complaint ids) let analysed texts be reused."""
    if not texts or not _normalise(query):
        return [0.0] * len(texts)
    import numpy as np
    from scipy.sparse import csr_matrix

    rows = [*_analyse([query]), *_rows(texts, keys)]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r[0]) for r in rows], out=indptr[1:])
    indices = np.concatenate([r[0] for r in rows])
    data = 1.0 + np.log(np.concatenate([r[1] for r in rows]).astype(np.float32))
    df = np.bincount(indices, minlength=N_FEATURES)
    n = len(rows)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    data *= idf[indices]
    squares = np.add.reduceat(data * data, indptr[:-1]) if len(data) else np.zeros(n)
    squares[np.diff(indptr) == 0] = 0.0  # reduceat repeats a value for empty rows
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    data /= np.repeat(norms, np.diff(indptr)).astype(np.float32)
    matrix = csr_matrix((data, indices, indptr), shape=(n, N_FEATURES))
    scores = (matrix[1:] @ matrix[0].T).toarray().ravel()
    return [float(x) for x in scores]


def _complaints(complaint: Complaint, viewer: Any, query: str) -> list[Similar]:
    pool = candidates(complaint, viewer)
    texts = [text_of(c) for c in pool]
    # Keyed by id and text: an edited text, or an id reused by a rolled-back test, is analysed anew.
    scores = rank(query, texts, keys=[(c.pk, hash(t)) for c, t in zip(pool, texts, strict=True)])
    if complaint.category_id:
        scores = [s * SAME_CATEGORY_WEIGHT if c.category_id == complaint.category_id else s
                  for c, s in zip(pool, scores, strict=True)]
    return [Similar(title=c.number, text=c.summary, score=s, complaint=c,
                    url=reverse("console:complaint", args=[c.number]))
            for c, s in zip(pool, scores, strict=True)]


register_source(_complaints)


def similar_to(complaint: Complaint, viewer: Any, *, limit: int | None = None) -> list[Similar]:
    """The most similar past complaints (and library cases) the viewer may read, best first."""
    if limit is None:
        limit = RoutingSettings.for_company(complaint.estate.company_id).similar_count
    query = text_of(complaint)
    found: list[Similar] = []
    for source in SOURCES:
        found.extend(source(complaint, viewer, query))
    found = [s for s in found if s.score >= MIN_SCORE]
    found.sort(key=lambda s: -s.score)
    return found[:limit]
