"""Scores of predicted article bodies against a benchmark's ground truth, in its two layouts.

- reference bodies (`{id: {"articleBody": text, "url": ...}}`, the article-extraction
  benchmark): each page's word 4-shingles are matched against the reference's; precision is
  averaged over pages with a prediction, recall over pages with a reference, F1 is the
  harmonic mean of the two averages.
- snippets (`snippets.json`: `{id: {"url", "with": [...], "without": [...]}}`): a "with"
  snippet found in the prediction (white space collapsed) is a true positive, a "without"
  one found a false positive; counts are summed over all pages.

Both follow the scorers published with the data sets, so figures compare with theirs.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Callable

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_SHINGLE = 4


@dataclass
class Scores:
    f1: float
    precision: float
    recall: float
    empty: int  # pages whose prediction is empty


@dataclass
class GroundTruth:
    layout: str  # "reference" or "snippets"
    path: Path
    items: dict[str, dict]

    def url(self, item_id: str) -> str | None:
        item = self.items.get(item_id)
        return item.get("url") if isinstance(item, dict) else None

    def score(self, predictions: dict[str, str]) -> Scores:
        scorer: Callable = _score_snippets if self.layout == "snippets" else _score_references
        return scorer(self.items, predictions)


def load_ground_truth(dataset: Path) -> GroundTruth:
    """`snippets.json` in the folder, else its one JSON of reference bodies."""
    snippets = dataset / "snippets.json"
    if snippets.exists():
        return GroundTruth("snippets", snippets, json.loads(snippets.read_text(encoding="utf-8")))
    for path in sorted(dataset.glob("*.json")):
        items = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(items, dict) and any(isinstance(item, dict) and "articleBody" in item
                                           for item in items.values()):
            return GroundTruth("reference", path, items)
    raise SystemExit(f"no snippets.json nor reference bodies (*.json with articleBody) in {dataset}")


def _shingles(text: str) -> Counter:
    words = _WORD.findall(text)
    if len(words) <= _SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1))


def _score_references(items: dict[str, dict], predictions: dict[str, str]) -> Scores:
    precisions, recalls = [], []
    for item_id, item in items.items():
        truth = _shingles(item.get("articleBody") or "")
        predicted = _shingles(predictions.get(item_id) or "")
        shared = sum((truth & predicted).values())
        if predicted:
            precisions.append(shared / sum(predicted.values()))
        if truth:
            recalls.append(shared / sum(truth.values()))
    precision = mean(precisions) if precisions else 0.0
    recall = mean(recalls) if recalls else 0.0
    return Scores(_harmonic(precision, recall), precision, recall, _empty(items, predictions))


def _score_snippets(items: dict[str, dict], predictions: dict[str, str]) -> Scores:
    found = missed = unwanted = 0
    for item_id, item in items.items():
        text = _SPACE.sub(" ", predictions.get(item_id) or "").strip()
        wanted = [bool(text) and _SPACE.sub(" ", s).strip() in text for s in item["with"]]
        found += sum(wanted)
        missed += len(wanted) - sum(wanted)
        unwanted += sum(bool(text) and _SPACE.sub(" ", s).strip() in text for s in item["without"])
    precision = found / (found + unwanted) if found + unwanted else 0.0
    recall = found / (found + missed) if found + missed else 0.0
    return Scores(_harmonic(precision, recall), precision, recall, _empty(items, predictions))


def _harmonic(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _empty(items: dict[str, dict], predictions: dict[str, str]) -> int:
    return sum(not (predictions.get(item_id) or "").strip() for item_id in items)
