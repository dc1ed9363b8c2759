"""The risk detector's thresholds: what each choice costs in misses and false alarms.

    python benchmarks/risk_compare.py [--no-holdout] [--out FILE]

Trains only the risk detector (not the intent model) with the defaults of nlu/risk.py,
scores every message of the four independent evaluation sets once (tests/data/risk_eval,
risk_eval2, risk_eval3, risk_eval4: written by other authors, never trained on), then
reports escalation recall, emergency recall, false alarms and micro-F1 for a grid of
gate, gate-bypass, emergency and high/medium thresholds, and names the setting with the
best escalation recall that keeps emergency recall >= 0.97 on every set and the mean
false-alarm rate <= 0.08. Also: the defaults per language variant, and on a 20%
stratified hold-out of the training data. Results go to
benchmarks/results/risk_compare.json; the figures and the choice are in nlu/README.md.
"""

from __future__ import annotations

import argparse
import itertools
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
from nlu.risk import RiskDetector, level_of  # noqa: E402
from nlu.risk_data import load_risk_data, load_risk_lexicon, load_risk_taxonomy  # noqa: E402
from nlu.risk_evaluation import evaluate_risk, risk_summary  # noqa: E402

EVAL_SETS = ("risk_eval", "risk_eval2", "risk_eval3", "risk_eval4")
FIGURES = ("escalation_recall", "emergency_recall", "false_alarm_rate", "micro_f1")
GRID = {
    "gate": (0.3, 0.4, 0.5, 0.6, 0.7),
    # emergency and high/medium bypasses of a closed gate; 1.01: never bypassed
    "bypass": ((0.3, 0.9), (0.5, 0.9), (0.5, 0.75), (0.9, 0.9), (1.01, 1.01)),
    "emergency": (0.05, 0.1, 0.2),
    "high_medium": ((0.1, 0.15), (0.15, 0.2), (0.2, 0.3), (0.3, 0.4)),
}


class _Parser:
    """What evaluate_risk needs of an interpreter: parse(text)["risk"]. Each message is
    scored once; `setting` (decide's keyword arguments, the detector's own when empty)
    can then change without parsing again."""

    def __init__(self, detector: RiskDetector) -> None:
        self.detector = detector
        self.setting: dict[str, Any] = {}
        self.cache: dict[str, Any] = {}

    def parse(self, text: str) -> dict[str, Any]:
        if text not in self.cache:
            self.cache[text] = self.detector.score(text)
        scores = self.cache[text]
        found = self.detector.decide(scores, **self.setting) if scores else {}
        names = sorted(found)
        return {
            "risk": {
                "level": level_of(set(names), self.detector.taxonomy),
                "indicators": [{"name": n} for n in names],
            }
        }


def _of(examples: list, language: str) -> list:
    return [e for e in examples if e.language == language]


def train(examples: list, negatives: list[str], **options: Any) -> RiskDetector:
    detector = RiskDetector(load_risk_taxonomy(), **options)
    detector.fit(examples, negatives)
    detector.set_lexicon(load_risk_lexicon())
    return detector


def sweep(parsers: dict[str, _Parser], sets: dict[str, list]) -> list[dict[str, Any]]:
    curve = []
    for gate, bypass, emergency, (high, medium) in itertools.product(*GRID.values()):
        setting = {
            "gate_threshold": gate,
            "gate_bypass": {"emergency": bypass[0], "high": bypass[1], "medium": bypass[1]},
            "thresholds": {"emergency": emergency, "high": high, "medium": medium},
        }
        point: dict[str, Any] = {
            "gate": gate,
            "bypass": bypass,
            "emergency": emergency,
            "high": high,
            "medium": medium,
        }
        for name, examples in sets.items():
            parsers[name].setting = setting
            report = evaluate_risk(parsers[name], examples, parsers[name].detector.taxonomy)
            point[name] = {k: report[k] for k in FIGURES}
        curve.append(point)
    for parser in parsers.values():
        parser.setting = {}
    return curve


def best(curve: list[dict[str, Any]], false_alarm_cap: float = 0.08) -> dict[str, Any]:
    """Escalation recall first (the worst set's), keeping emergency recall >= 0.97 on
    every set and the mean false-alarm rate under the cap; then the fewest alarms."""

    def figures(point: dict[str, Any], figure: str) -> list[float]:
        return [point[name][figure] for name in EVAL_SETS]

    eligible = [
        p
        for p in curve
        if min(figures(p, "emergency_recall")) >= 0.97
        and sum(figures(p, "false_alarm_rate")) / len(EVAL_SETS) <= false_alarm_cap
    ] or curve
    return max(
        eligible,
        key=lambda p: (
            round(min(figures(p, "escalation_recall")), 3),
            -sum(figures(p, "false_alarm_rate")),
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "benchmarks/results/risk_compare.json"))
    parser.add_argument("--no-holdout", action="store_true", help="evaluation sets only")
    args = parser.parse_args()
    taxonomy = load_risk_taxonomy()
    examples = load_risk_data()
    sets = {name: load_risk_data(ROOT / "tests" / "data" / name) for name in EVAL_SETS}
    negatives = risk_negatives(training_data.load())
    results: dict[str, Any] = {
        "training_examples": len(examples),
        **{name: len(s) for name, s in sets.items()},
    }
    started = time.perf_counter()
    detector = train(examples, negatives)
    results["train_seconds"] = round(time.perf_counter() - started, 1)
    parsers = {name: _Parser(detector) for name in sets}
    for name, evaluation in sets.items():
        report = evaluate_risk(parsers[name], evaluation, taxonomy)
        print(f"{name:<12} defaults ", risk_summary(report))
        results[name] = {k: v for k, v in report.items() if k != "misses"}
        results[f"{name}_misses"] = report["misses"]
        results[f"{name}_variants"] = {
            language: {k: sub[k] for k in FIGURES}
            for language in sorted({e.language for e in evaluation})
            for sub in [evaluate_risk(parsers[name], _of(evaluation, language), taxonomy)]
        }
    results["threshold_curve"] = curve = sweep(parsers, sets)
    results["best"] = choice = best(curve)
    print("best setting", {k: v for k, v in choice.items() if k not in EVAL_SETS})
    for name in EVAL_SETS:
        print(f"  {name:<12}", "  ".join(f"{k} {choice[name][k]:.3f}" for k in FIGURES))
    if not args.no_holdout:
        train_part, held = risk_holdout_split(examples, 0.2)
        held_report = evaluate_risk(_Parser(train(train_part, negatives)), held, taxonomy)
        print("hold-out 20%  defaults ", risk_summary(held_report))
        results["holdout"] = {k: v for k, v in held_report.items() if k != "misses"}
    Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
