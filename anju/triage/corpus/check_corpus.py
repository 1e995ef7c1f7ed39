"""Validate the triage corpus files (train_*.jsonl, eval_*.jsonl) in this directory.

Checks every line for the required fields and allowed values, in_scope consistency
(in_scope is false exactly when category == "out_of_scope"), and duplicate texts within
and across all files (a text present in both a train and an eval file is an error).
Prints counts per category / urgency / register / angry for every file.

Usage: python anju/triage/corpus/check_corpus.py [directory]
Exit status 1 when any error is found.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

CATEGORIES = (
    "repair", "elevator", "utilities", "public_facility", "sanitation", "greening", "security",
    "parking", "noise", "renovation", "pets", "fees", "service_attitude", "neighbor_dispute",
    "out_of_scope",
)
URGENCIES = ("urgent", "high", "normal", "low")
REGISTERS = ("wechat", "call_note", "letter", "email", "two_topic", "no_keyword", "plain")
FIELDS = {"text": str, "category": str, "urgency": str, "angry": bool, "in_scope": bool, "register": str}


def normalise(text: str) -> str:
    return "".join(text.split())


def check_line(obj: object) -> list[str]:
    if not isinstance(obj, dict):
        return ["not a JSON object"]
    errors = []
    for name, kind in FIELDS.items():
        if name not in obj:
            errors.append(f"missing field {name!r}")
        elif not isinstance(obj[name], kind):
            errors.append(f"field {name!r} must be {kind.__name__}")
    extra = set(obj) - set(FIELDS)
    if extra:
        errors.append(f"unknown fields {sorted(extra)}")
    if errors:
        return errors
    if not obj["text"].strip():
        errors.append("empty text")
    if obj["category"] not in CATEGORIES:
        errors.append(f"bad category {obj['category']!r}")
    if obj["urgency"] not in URGENCIES:
        errors.append(f"bad urgency {obj['urgency']!r}")
    if obj["register"] not in REGISTERS:
        errors.append(f"bad register {obj['register']!r}")
    if obj["in_scope"] != (obj["category"] != "out_of_scope"):
        errors.append("in_scope inconsistent with category")
    return errors


def fmt(counter: Counter[str], order: tuple[str, ...]) -> str:
    return " ".join(f"{key}={counter[key]}" for key in order if counter[key])


def main(argv: list[str]) -> int:
    directory = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    files = sorted(directory.glob("train_*.jsonl")) + sorted(directory.glob("eval_*.jsonl"))
    if not files:
        print(f"no corpus files in {directory}")
        return 1
    n_errors = 0
    seen: dict[str, tuple[str, int]] = {}
    for path in files:
        cats: Counter[str] = Counter()
        urg: Counter[str] = Counter()
        reg: Counter[str] = Counter()
        angry = 0
        total = 0
        with path.open(encoding="utf-8") as handle:
            for lineno, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                where = f"{path.name}:{lineno}"
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as exc:
                    print(f"ERROR {where}: invalid JSON ({exc})")
                    n_errors += 1
                    continue
                errors = check_line(obj)
                for error in errors:
                    print(f"ERROR {where}: {error}")
                n_errors += len(errors)
                if errors:
                    continue
                key = normalise(obj["text"])
                if key in seen:
                    other, other_line = seen[key]
                    same_split = other.split("_")[0] == path.name.split("_")[0]
                    kind = "duplicate" if same_split else "train/eval overlap"
                    print(f"ERROR {where}: {kind} with {other}:{other_line}: {obj['text'][:40]}")
                    n_errors += 1
                else:
                    seen[key] = (path.name, lineno)
                total += 1
                cats[obj["category"]] += 1
                urg[obj["urgency"]] += 1
                reg[obj["register"]] += 1
                angry += obj["angry"]
        print(f"== {path.name}: {total} lines, angry={angry} ({angry / max(total, 1):.0%})")
        print(f"   category: {fmt(cats, CATEGORIES)}")
        print(f"   urgency:  {fmt(urg, URGENCIES)}")
        print(f"   register: {fmt(reg, REGISTERS)}")
    print(f"{len(files)} files, {len(seen)} distinct texts, {n_errors} errors")
    return 1 if n_errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
