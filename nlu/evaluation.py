"""`python -m nlu test`: the reports `rasa test nlu` writes, plus per-language figures.

- intent_report.json: per intent precision / recall / f1-score / support and
  `confused_with`, plus accuracy, macro avg and weighted avg (Rasa's format).
- intent_errors.json: every misclassified example with its prediction.
- intent_confusion_matrix.png
- language_report.json: per language variant, intent accuracy and macro-F1 and the
  language identifier's accuracy on that variant.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import train_test_split

from nlu.interpreter import Interpreter
from nlu.risk_data import RiskExample
from nlu.training_data import Example, TrainingData


def holdout_split(
    data: TrainingData, fraction: float = 0.2, seed: int = 42
) -> tuple[TrainingData, list[Example]]:
    """Stratified by language and intent, so each language keeps its share of each intent."""
    strata = [f"{e.language}/{e.intent}" for e in data.examples]
    train, test = train_test_split(
        data.examples, test_size=fraction, stratify=strata, random_state=seed
    )
    return TrainingData(list(train), data.synonyms, data.lookups), list(test)


def risk_holdout_split(
    examples: list[RiskExample], fraction: float = 0.2, seed: int = 42
) -> tuple[list[RiskExample], list[RiskExample]]:
    """Stratified by language and label set (combinations and no_risk keep their share)."""
    if not examples:
        return [], []
    strata = [f"{e.language}/{'+'.join(sorted(e.indicators)) or 'no_risk'}" for e in examples]
    counts = Counter(strata)
    strata = [s if counts[s] > 1 else "rare" for s in strata]
    train, test = train_test_split(examples, test_size=fraction, stratify=strata, random_state=seed)
    return list(train), list(test)


def evaluate(interpreter: Interpreter, examples: list[Example]) -> dict[str, Any]:
    """Parse every example; return all the reports as one dict (see write_reports)."""
    started = time.perf_counter()
    parses = [interpreter.parse(e.text) for e in examples]
    seconds = time.perf_counter() - started
    gold = [e.intent for e in examples]
    predicted = [p["intent"]["name"] for p in parses]
    labels = sorted(set(gold) | set(predicted))

    report = classification_report(
        gold, predicted, labels=labels, output_dict=True, zero_division=0
    )
    confused: dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, predicted, strict=True):
        if g != p:
            confused[g][p] += 1
    for label in labels:
        report[label]["confused_with"] = dict(confused[label].most_common(5))
    report["accuracy"] = float(np.mean([g == p for g, p in zip(gold, predicted, strict=True)]))

    errors = [
        {
            "text": e.text,
            "intent": e.intent,
            "language": e.language,
            "intent_prediction": p["intent"],
        }
        for e, p in zip(examples, parses, strict=True)
        if e.intent != p["intent"]["name"]
    ]
    errors.sort(key=lambda err: -err["intent_prediction"]["confidence"])
    return {
        "intent_report": report,
        "intent_errors": errors,
        "language_report": _per_language(examples, parses),
        "labels": labels,
        "confusion": confusion_matrix(gold, predicted, labels=labels).tolist(),
        "parse_ms": round(1000 * seconds / max(len(examples), 1), 3),
    }


def _per_language(examples: list[Example], parses: list[dict[str, Any]]) -> dict[str, Any]:
    by_language: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_language[e.language].append(i)
    report: dict[str, Any] = {}
    for language, indices in sorted(by_language.items()):
        gold = [examples[i].intent for i in indices]
        predicted = [parses[i]["intent"]["name"] for i in indices]
        detected = [parses[i]["language"]["code"] for i in indices]
        report[language] = {
            "support": len(indices),
            "accuracy": round(
                float(np.mean([g == p for g, p in zip(gold, predicted, strict=True)])), 4
            ),
            "macro_f1": round(
                float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro")), 4
            ),
            "language_id_accuracy": round(float(np.mean([d == language for d in detected])), 4),
        }
    return report


def write_reports(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("intent_report", "intent_errors", "language_report"):
        path = out / f"{name}.json"
        path.write_text(json.dumps(results[name], indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    png = out / "intent_confusion_matrix.png"
    plot_confusion_matrix(results["confusion"], results["labels"], png)
    written.append(png)
    return written


def plot_confusion_matrix(matrix: list[list[int]], labels: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(6.0, 0.35 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(np.asarray(matrix), cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent")
    ax.set_title("Intent confusion matrix")
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                ax.text(j, i, str(count), ha="center", va="center", fontsize=5)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def summary(results: dict[str, Any]) -> str:
    report = results["intent_report"]
    lines = [
        f"accuracy {report['accuracy']:.3f}   macro-F1 {report['macro avg']['f1-score']:.3f}   "
        f"weighted-F1 {report['weighted avg']['f1-score']:.3f}   "
        f"{results['parse_ms']:.2f} ms/parse",
        f"{'language':<10}{'n':>6}{'accuracy':>10}{'macro-F1':>10}{'lang-id':>9}",
    ]
    for language, row in results["language_report"].items():
        lines.append(
            f"{language:<10}{row['support']:>6}{row['accuracy']:>10.3f}"
            f"{row['macro_f1']:>10.3f}{row['language_id_accuracy']:>9.3f}"
        )
    return "\n".join(lines)
