"""Risk figures for `python -m nlu test`: what a helpline must know about its detector.

- per indicator precision / recall / f1-score / support (multi-label), and micro-F1;
- escalation recall: of messages whose gold level is high or emergency, the share
  predicted high or emergency;
- emergency recall: of gold emergencies, the share predicted emergency;
- false-alarm rate: of messages with no indicator, the share predicted at any level.
"""

from __future__ import annotations

from typing import Any

from nlu.interpreter import Interpreter
from nlu.risk import level_of
from nlu.risk_data import RiskExample

ESCALATING = ("high", "emergency")


def evaluate_risk(
    interpreter: Interpreter, examples: list[RiskExample], taxonomy: dict[str, str]
) -> dict[str, Any]:
    predictions = [interpreter.parse(e.text)["risk"] for e in examples]
    report: dict[str, Any] = {"indicators": {}}
    tp_all = fp_all = fn_all = 0
    for name in sorted(taxonomy):
        tp = fp = fn = 0
        for example, predicted in zip(examples, predictions, strict=True):
            gold = name in example.indicators
            found = any(i["name"] == name for i in predicted["indicators"])
            tp += gold and found
            fp += found and not gold
            fn += gold and not found
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report["indicators"][name] = {
            "precision": round(precision, 4), "recall": round(recall, 4),
            "f1-score": round(f1, 4), "support": tp + fn,
        }  # fmt: skip
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    micro_p = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0
    micro_r = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0
    report["micro_f1"] = round(2 * micro_p * micro_r / (micro_p + micro_r), 4) if tp_all else 0.0
    gold_levels = [level_of(e.indicators, taxonomy) for e in examples]
    report["escalation_recall"] = _share(
        [p["level"] in ESCALATING for p, g in zip(predictions, gold_levels, strict=True)
         if g in ESCALATING]
    )  # fmt: skip
    report["emergency_recall"] = _share(
        [p["level"] == "emergency" for p, g in zip(predictions, gold_levels, strict=True)
         if g == "emergency"]
    )  # fmt: skip
    report["false_alarm_rate"] = _share(
        [p["level"] != "none" for p, e in zip(predictions, examples, strict=True)
         if not e.indicators]
    )  # fmt: skip
    report["support"] = {"messages": len(examples),
                         "no_risk": sum(not e.indicators for e in examples)}  # fmt: skip
    report["misses"] = [
        {"text": e.text, "language": e.language, "gold": sorted(e.indicators),
         "predicted": [i["name"] for i in p["indicators"]]}
        for e, p in zip(examples, predictions, strict=True)
        if set(e.indicators) != {i["name"] for i in p["indicators"]}
    ][:500]  # fmt: skip
    return report


def _share(hits: list[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else 0.0


def risk_summary(report: dict[str, Any]) -> str:
    return (
        f"risk: escalation recall {report['escalation_recall']:.3f}   emergency recall "
        f"{report['emergency_recall']:.3f}   false alarms {report['false_alarm_rate']:.3f}   "
        f"indicator micro-F1 {report['micro_f1']:.3f}"
    )
