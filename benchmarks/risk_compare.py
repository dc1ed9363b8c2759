"""Compare risk detector set-ups on the independent evaluation set and a hold-out.

    python benchmarks/risk_compare.py [--variants baseline,...] [--out FILE]

Trains only the risk detector (not the intent model) for each variant, then reports
escalation recall, emergency recall, false alarms and micro-F1 on tests/data/risk_eval
(written by other authors, never trained on) and on a 20% stratified hold-out of the
training data, plus the threshold trade-off curve of the chosen variant. Results go to
benchmarks/results/risk_compare.json; figures and the choice are in nlu/README.md.
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
from nlu.model import _HOLDER, RISK_FREE_INTENTS  # noqa: E402
from nlu.risk import THRESHOLDS, RiskDetector  # noqa: E402
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
    data = training_data.load()
    negatives = [e.text for e in data.examples
                 if e.intent in RISK_FREE_INTENTS and not _HOLDER.search(e.text)]  # fmt: skip
    results: dict[str, Any] = {"training_examples": len(examples), "evaluation": len(evaluation)}
    started = time.perf_counter()
    detector = train(examples, negatives)
    results["train_seconds"] = round(time.perf_counter() - started, 1)
    report = evaluate_risk(_Parser(detector), evaluation, taxonomy)
    print("evaluation set ", risk_summary(report))
    results["evaluation_set"] = {k: v for k, v in report.items() if k != "misses"}
    results["evaluation_misses"] = report["misses"]
    curve = []
    for emergency in (0.05, 0.1, 0.15, 0.2, 0.3):
        for high in (0.3, 0.4, 0.45, 0.5, 0.6):
            detector.thresholds = {"emergency": emergency, "high": high, "medium": high}
            r = evaluate_risk(_Parser(detector), evaluation, taxonomy)
            curve.append({"emergency": emergency, "high": high,
                          **{k: r[k] for k in ("escalation_recall", "emergency_recall",
                                               "false_alarm_rate", "micro_f1")}})  # fmt: skip
    detector.thresholds = dict(THRESHOLDS)
    results["threshold_curve"] = curve
    if not args.no_holdout:
        train_part, held = risk_holdout_split(examples, 0.2)
        held_report = evaluate_risk(_Parser(train(train_part, negatives)), held, taxonomy)
        print("hold-out 20%   ", risk_summary(held_report))
        results["holdout"] = {k: v for k, v in held_report.items() if k != "misses"}
    Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
