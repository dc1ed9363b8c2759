"""Compare intent-classification approaches: accuracy per language and speed.

    .venv/bin/python benchmarks/nlu_compare.py [--out benchmarks/results/nlu_compare.json]

Each approach is trained on the whole training set (nlu/data/nlu) and scored on the
independent evaluation set (tests/data/nlu_eval, written by other authors), and on a
stratified 20% hold-out of the training data (trained on the other 80%).
Not part of the test suite: it trains 2 × (number of approaches) models.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.evaluation import holdout_split  # noqa: E402
from nlu.features import FeatureConfig  # noqa: E402
from nlu.intent_classifier import ClassifierConfig, IntentClassifier  # noqa: E402
from nlu.language_id import LanguageIdentifier  # noqa: E402
from nlu.normalize import normalize  # noqa: E402
from nlu.training_data import NLU_DIR, Example, load, load_taxonomy  # noqa: E402

EVAL_DIR = ROOT / "tests" / "data" / "nlu_eval"

APPROACHES = {
    "A: logistic regression, word + char_wb n-grams": (
        ClassifierConfig("logreg", 10.0, 0, FeatureConfig(skeleton_ngrams=None)),
        False,
    ),
    "B: linear SVM, word + char_wb n-grams": (
        ClassifierConfig("svm", 1.0, 0, FeatureConfig(skeleton_ngrams=None)),
        False,
    ),
    "C: linear SVM, word + char_wb + consonant-skeleton n-grams (chosen)": (
        ClassifierConfig("svm", 1.0, 0, FeatureConfig()),
        False,
    ),
    "D: one SVM per language, routed by language identification": (
        ClassifierConfig("svm", 1.0, 0, FeatureConfig()),
        True,
    ),
}


class PerLanguage:
    """Approach D: a separate classifier per language variant, picked by language ID."""

    def __init__(self, config: ClassifierConfig) -> None:
        self.config = config
        self.models: dict[str, IntentClassifier] = {}
        self.languages = LanguageIdentifier()

    def fit(self, examples: list[Example]) -> None:
        self.languages.fit([e.text for e in examples], [e.language for e in examples])
        groups: dict[str, list[Example]] = defaultdict(list)
        for e in examples:
            groups[e.language].append(e)
        for language, group in groups.items():
            model = IntentClassifier(self.config)
            model.fit([normalize(e.text) for e in group], [e.intent for e in group])
            self.models[language] = model

    def predict(self, text: str) -> str:
        language, _ = self.languages.identify(text)
        model = self.models.get(language) or next(iter(self.models.values()))
        return model.classes[int(model.predict_one(normalize(text)).argmax())]


def build(config: ClassifierConfig, per_language: bool, examples: list[Example]):  # noqa: ANN201
    if per_language:
        model = PerLanguage(config)
        model.fit(examples)
        return model.predict
    model = IntentClassifier(config)
    model.fit([normalize(e.text) for e in examples], [e.intent for e in examples])
    return lambda text: model.classes[int(model.predict_one(normalize(text)).argmax())]


def score(predict, examples: list[Example]) -> dict:  # noqa: ANN001
    started = time.perf_counter()
    hits = [predict(e.text) == e.intent for e in examples]
    per_ms = 1000 * (time.perf_counter() - started) / len(examples)
    by_language: dict[str, list[bool]] = defaultdict(list)
    for e, hit in zip(examples, hits, strict=True):
        by_language[e.language].append(hit)
    per_language = {k: round(float(np.mean(v)), 3) for k, v in sorted(by_language.items())}
    return {
        "accuracy": round(float(np.mean(hits)), 4),
        "worst_language": min(per_language.items(), key=lambda kv: kv[1]),
        "per_language": per_language,
        "ms_per_parse": round(per_ms, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "nlu_compare.json"))
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    data = load(NLU_DIR, taxonomy)
    evaluation = load(EVAL_DIR, taxonomy).examples
    train_80, held_out = holdout_split(data, 0.2)
    results = {}
    for name, (config, per_language) in APPROACHES.items():
        started = time.perf_counter()
        predict = build(config, per_language, data.examples)
        train_seconds = time.perf_counter() - started
        row = {"train_seconds": round(train_seconds, 1), "eval_set": score(predict, evaluation)}
        row["holdout_20"] = score(build(config, per_language, train_80.examples), held_out)
        results[name] = row
        print(
            f"{name}\n  eval set {row['eval_set']['accuracy']:.3f} "
            f"(worst {row['eval_set']['worst_language']}), "
            f"hold-out {row['holdout_20']['accuracy']:.3f}, "
            f"train {train_seconds:.1f}s, {row['eval_set']['ms_per_parse']:.2f} ms/parse",
            flush=True,
        )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
