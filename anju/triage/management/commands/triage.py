"""``anju triage train [--include-corrections]``: retrain the shipped classifier.

Trains on every ``anju/triage/corpus/train_*.jsonl`` (and, with ``--include-corrections``,
on the complaints whose suggestion staff accepted or corrected) and rewrites
``anju/triage/model/``. The same inputs give the same files, byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from anju.triage import training
from anju.triage.model import MODEL_DIR


class Command(BaseCommand):
    help = "Retrain the triage classifier on the shipped corpus (and staff corrections)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        train = sub.add_parser("train", help="Fit the model and write anju/triage/model/.")
        train.add_argument("--include-corrections", action="store_true",
                           help="Also learn from suggestions staff accepted or corrected.")
        train.add_argument("--corpus", type=Path, default=training.CORPUS_DIR,
                           help="Directory of train_*.jsonl files (default: the shipped corpus).")
        train.add_argument("--out", type=Path, default=MODEL_DIR,
                           help="Where to write the model (default: anju/triage/model/).")

    def handle(self, *args: Any, subcommand: str, include_corrections: bool, corpus: Path, out: Path,
               **options: Any) -> None:
        files = training.train_files(corpus)
        if not files:
            raise CommandError(f"no train_*.jsonl files in {corpus}")
        examples, bad = training.read_corpus(files)
        if bad:
            self.stderr.write(f"{bad} unusable corpus line(s) skipped")
        if include_corrections:
            from anju.triage.services import correction_examples

            corrections = correction_examples()
            self.stdout.write(f"{len(corrections)} reviewed suggestion(s) added")
            examples = examples + corrections
        if not examples:
            raise CommandError("the corpus is empty")
        steps = training.PARAMS["folds"] + 6  # folds, thresholds, vocabulary, three heads, write
        with tqdm(total=steps, desc="train", unit="step", file=sys.stderr, disable=None) as bar:
            def step(name: str) -> None:
                bar.set_postfix_str(name)
                bar.update(1)

            meta = training.train(examples, out_dir=out, progress=step)
        self.stdout.write(f"{meta['corpus']['examples']} examples, {len(meta['vocabulary'])} features, "
                          f"thresholds {meta['thresholds']}; written to {out}")
