"""The risk detector's thresholds: what each choice costs in misses and false alarms.

    python benchmarks/risk_compare.py [--no-holdout] [--out FILE]

Trains only the risk detector (not the intent model) with the defaults of nlu/risk.py,
then reports escalation recall, emergency recall, false alarms and micro-F1 on
tests/data/risk_eval (written by other authors, never trained on) for a grid of gate,
emergency and high/medium thresholds, and the defaults on a 20% stratified hold-out of
the training data. Results go to benchmarks/results/risk_compare.json; the figures and
the choice are in nlu/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu import training_data  # noqa: E402
from nlu.evaluation import risk_holdout_split  # noqa: E402
from nlu.model import risk_negatives  # noqa: E402
from nlu.risk import GATE_THRESHOLD, THRESHOLDS, RiskDetector  # noqa: E402
from nlu.risk_data import load_risk_data, load_risk_lexicon, load_risk_taxonomy  # noqa: E402
from nlu.risk_evaluation import evaluate_risk, risk_summary  # noqa: E402

EVAL_DIR = ROOT / "tests" / "data" / "risk_eval"


class _Parser:
    """What evaluate_risk needs of an interpreter: parse(text)["risk"]."""

    def __init__(self, detector: RiskDetector) -> None:
        self.detector = detector

    def parse(self, text: str) -> dict[str, Any]:
        return {"risk": self.detector.detect(text)}


def train(examples: list, negatives: list[str], **options: Any) -> RiskDetector:
    detector = RiskDetector(load_risk_taxonomy(), **options)
    detector.fit(examples, negatives)
    detector.set_lexicon(load_risk_lexicon())
    return detector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "benchmarks/results/risk_compare.json"))
    parser.add_argument("--no-holdout", action="store_true", help="evaluation set only")
    args = parser.parse_args()
    taxonomy = load_risk_taxonomy()
    examples = load_risk_data()
    evaluation = load_risk_data(EVAL_DIR)
    negatives = risk_negatives(training_data.load())
    results: dict[str, Any] = {"training_examples": len(examples), "evaluation": len(evaluation)}
    started = time.perf_counter()
    detector = train(examples, negatives)
    results["train_seconds"] = round(time.perf_counter() - started, 1)
    report = evaluate_risk(_Parser(detector), evaluation, taxonomy)
    print("evaluation set ", risk_summary(report))
    results["evaluation_set"] = {k: v for k, v in report.items() if k != "misses"}
    results["evaluation_misses"] = report["misses"]
    curve = []
    for gate in (None, 0.3, 0.4, 0.5, 0.6):
        for emergency in (0.05, 0.1, 0.2):
            for high in (0.2, 0.3, 0.4):
                detector.gate_threshold = gate
                detector.thresholds = {"emergency": emergency, "high": high, "medium": high}
                r = evaluate_risk(_Parser(detector), evaluation, taxonomy)
                figures = ("escalation_recall", "emergency_recall", "false_alarm_rate", "micro_f1")
                curve.append({"gate": gate, "emergency": emergency, "high": high,
                              **{k: r[k] for k in figures}})  # fmt: skip
    detector.gate_threshold, detector.thresholds = GATE_THRESHOLD, dict(THRESHOLDS)
    results["threshold_curve"] = curve
    if not args.no_holdout:
        train_part, held = risk_holdout_split(examples, 0.2)
        held_report = evaluate_risk(_Parser(train(train_part, negatives)), held, taxonomy)
        print("hold-out 20%   ", risk_summary(held_report))
        results["holdout"] = {k: v for k, v in held_report.items() if k != "misses"}
    Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
