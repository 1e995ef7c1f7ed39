"""How long the similar-cases ranking of one complaint page takes (anju.routing.similar.rank).

    .venv/bin/python bench/routing_similar.py [--candidates 1000] [--repeat 20]

Ranks one complaint against N candidate texts taken from the triage corpus (the texts a
page view would rank after the SQL prefilter) and prints the median and p95 milliseconds,
cold (every text analysed) and warm (the per-process cache of analysed complaints).
The candidate query itself is one indexed SELECT of at most N rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "anju" / "triage" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    texts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            texts.extend(json.loads(line)["text"] for line in f if line.strip())
    if len(texts) < args.candidates + 1:
        texts = (texts * (args.candidates // max(len(texts), 1) + 2))
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    django.setup()
    from anju.routing.similar import rank

    query, pool = texts[0], texts[1:args.candidates + 1]
    keys = list(range(len(pool)))
    rank(query, pool[:10])  # warm-up: imports
    for label, use_keys in (("cold (every text analysed)", None), ("warm (analysed texts cached)", keys)):
        if use_keys is not None:
            rank(query, pool, keys=use_keys)
        times = []
        for i in range(args.repeat):
            start = time.perf_counter()
            rank(texts[i + 1], pool, keys=use_keys)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{len(pool)} candidates, {label}: median {statistics.median(times):.1f} ms, "
              f"p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
