"""Risk indicators of one message: multi-label, with confidence, evidence and about.

    detect("my boss keeps my passport and says I owe him 3000") →
    {"level": "high", "indicators": [
        {"name": "document_retention", "confidence": 0.93, "evidence": "keeps my passport",
         "about": "self"}, {"name": "debt_bondage", ...}]}

One logistic model per indicator (one-vs-rest) over sparse features of the
normalised text (words, character n-grams, consonant skeletons, and the words a
negation governs), so every language and script, romanised ones included, is covered
by the same machinery. Hard negatives ("I lost my passport", "the film was killing
me") and negations ("nobody keeps my documents") are in the training data as
`no_risk`. A gate model ("any risk at all?"), trained on every positive against every
negative, must agree before an indicator is reported: it sees thousands of positives
where each indicator sees a few hundred, and cuts most false alarms. An indicator
that is very sure of itself, and the curated lexicon of must-never-miss phrases, pass
a closed gate. Thresholds favour recall by severity: a missed emergency is far worse
than a false alarm. A last model says whether the message is about someone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from nlu.features import FeatureConfig, Featurizer
from nlu.linear import linear_parameters, linear_scores
from nlu.normalize import normalize
from nlu.risk_data import LEVELS, RiskExample

# Per-severity decision thresholds on each indicator's probability, and the any-risk
# gate's: chosen on the four independent sets for recall first, with false alarms
# bounded (benchmarks/risk_compare.py, nlu/README.md).
THRESHOLDS = {"emergency": 0.10, "high": 0.15, "medium": 0.20}
GATE_THRESHOLD = 0.3
# An indicator this sure of itself is reported even when the gate is closed: the gate
# sees all indicators at once and is weakest on short, plain statements. Lowest for the
# emergencies, whose miss costs most.
GATE_BYPASS = {"emergency": 0.5, "high": 0.9, "medium": 0.9}
# Words up to two after a negation cue get features of their own (nlu.negation):
# "nobody keeps my passport" is not "the boss keeps my passport".
NEGATION_SCOPE = 2
# Word n-grams seen once are left out: half the model's size, the same figures.
WORD_MIN_DF = 2
REGULARISATION = 10.0  # C of each logistic model (nlu/README.md)
# Positives weigh 5 times a negative: they are rarer, and a miss costs more.
CLASS_WEIGHT = {True: 5.0, False: 1.0}
# The ILO forced-labour indicators: two or more distinct ones make a conversation high.
FORCED_LABOUR = frozenset(
    {
        "deception", "withheld_wages", "abusive_conditions", "isolation",
        "restricted_movement", "document_retention", "debt_bondage", "threats",
        "physical_violence", "sexual_exploitation",
    }
)  # fmt: skip
EVIDENCE_WINDOW = 3  # words either side of the word that weighed most
LEXICON_CONFIDENCE = 0.99  # a curated must-never-miss phrase


def level_of(indicators: set[str] | frozenset[str], taxonomy: dict[str, str]) -> str:
    """The rules of risk.yml: the highest severity present; two or more distinct
    forced-labour indicators are at least high."""
    level = max((LEVELS.index(taxonomy[name]) for name in indicators), default=0)
    if len(set(indicators) & FORCED_LABOUR) >= 2:
        level = max(level, LEVELS.index("high"))
    return LEVELS[level]


@dataclass(frozen=True)
class RiskScores:
    probabilities: np.ndarray  # of each indicator, in RiskDetector.names order
    gate: float  # of "any risk at all?"; 1.0 without a gate
    about_other: bool
    lexicon: dict[str, str]  # indicator → evidence, for must-never-miss phrases


@dataclass
class RiskDetector:
    taxonomy: dict[str, str]  # indicator → severity
    thresholds: dict[str, float] = field(default_factory=lambda: dict(THRESHOLDS))
    featurizer: Featurizer = field(
        default_factory=lambda: Featurizer(
            FeatureConfig(word_min_df=WORD_MIN_DF, negation_scope=NEGATION_SCOPE)
        )
    )
    names: list[str] = field(default_factory=list)
    # Log-odds weights, one column per binary model: the indicators, then the gate, then
    # "about someone else". float16 halves the model on disk and in memory; a parse
    # gathers only the row's columns and computes in float32.
    weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float16))
    bias: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # Must-never-miss phrases (data/risk_lexicon.yml), normalised, indexed by first word.
    lexicon: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    regularisation: float = REGULARISATION
    # A gate: one model "any risk at all?" trained on every positive against every
    # negative; an indicator is reported only when the gate also passes.
    gate_threshold: float | None = GATE_THRESHOLD
    gate_bypass: dict[str, float] = field(default_factory=lambda: dict(GATE_BYPASS))
    class_weight: str | dict[bool, float] | None = field(default_factory=lambda: dict(CLASS_WEIGHT))
    has_gate: bool = False  # the column after the indicators' is the gate's
    has_about: bool = False  # the last weight column says "about someone else"

    def set_lexicon(self, phrases: dict[str, list[str]]) -> None:
        """indicator → phrases, in any script; matched as whole-word sequences."""
        self.lexicon = {}
        for name, entries in phrases.items():
            for entry in entries:
                words = tuple(normalize(entry).split())
                if words:
                    self.lexicon.setdefault(words[0], []).append((name, words))

    def fit(self, examples: list[RiskExample], negatives: Sequence[str] = ()) -> None:
        """`negatives`: other messages known to carry no risk (small talk, FAQs)."""
        texts = [normalize(e.text) for e in examples] + [normalize(t) for t in negatives]
        labels = [e.indicators for e in examples] + [frozenset()] * len(negatives)
        features = self.featurizer.fit_transform(texts)
        self.names = sorted(self.taxonomy)
        targets = [np.array([name in label for label in labels]) for name in self.names]
        self.has_gate = self.gate_threshold is not None
        if self.has_gate:
            targets.append(np.array([bool(label) for label in labels]))
        columns, biases = [], []
        for y in targets:
            column, bias = _log_odds(features, y, self.regularisation, self.class_weight)
            columns.append(column)
            biases.append(bias)
        positives = [i for i, e in enumerate(examples) if e.indicators]
        about = np.array([examples[i].about == "other" for i in positives])
        self.has_about = bool(about.any() and not about.all())
        if self.has_about:
            column, bias = _log_odds(features[positives], about, 10.0, "balanced")
            columns.append(column)
            biases.append(bias)
        self.weights = np.ascontiguousarray(np.stack(columns, axis=1), dtype=np.float16)
        self.bias = np.asarray(biases, dtype=np.float32)

    def detect(self, text: str) -> dict[str, Any]:
        scores = self.score(text)
        if scores is None:
            return {"level": "none", "indicators": []}
        found = self.decide(scores)
        if not found:
            return {"level": "none", "indicators": []}
        about = "other" if scores.about_other else "self"
        indicators = [
            {
                "name": name,
                "confidence": round(p, 4),
                "evidence": scores.lexicon.get(name) or self._evidence(text, name),
                "about": about,
            }
            for name, p in sorted(found.items(), key=lambda f: -f[1])
        ]
        return {"level": level_of(set(found), self.taxonomy), "indicators": indicators}

    def score(self, text: str) -> RiskScores | None:
        """What the models and the lexicon say of a message, before any threshold."""
        normalised = normalize(text)
        if not normalised or not self.names:
            return None
        log_odds = linear_scores(self.featurizer.encode(normalised), self.weights, self.bias)
        probabilities = 1.0 / (1.0 + np.exp(-log_odds.astype(np.float64)))
        k = len(self.names)
        return RiskScores(
            probabilities=probabilities[:k],
            gate=float(probabilities[k]) if self.has_gate else 1.0,
            about_other=self.has_about and bool(log_odds[-1] > 0),
            lexicon=self._lexicon_hits(text, normalised),
        )

    def decide(
        self,
        scores: RiskScores,
        thresholds: dict[str, float] | None = None,
        gate_threshold: float | None = None,
        gate_bypass: dict[str, float] | None = None,
    ) -> dict[str, float]:
        """indicator → confidence, for the indicators reported at these thresholds
        (the detector's own by default; benchmarks/risk_compare.py sweeps others)."""
        thresholds = thresholds or self.thresholds
        gate_threshold = self.gate_threshold if gate_threshold is None else gate_threshold
        bypass = gate_bypass or self.gate_bypass
        gate_open = gate_threshold is None or scores.gate >= gate_threshold
        found = {
            name: float(p)
            for name, p in zip(self.names, scores.probabilities, strict=True)
            if p >= (thresholds if gate_open else bypass)[self.taxonomy[name]]
        }
        for name in scores.lexicon:
            found[name] = max(found.get(name, 0.0), LEXICON_CONFIDENCE)
        return found

    def _lexicon_hits(self, text: str, normalised: str) -> dict[str, str]:
        """indicator → evidence, for curated phrases found as whole-word sequences.
        Linear in the message length: phrases are looked up by their first word."""
        tokens = normalised.split()
        if not any(token in self.lexicon for token in tokens):
            return {}
        # Per original word, so the evidence is the person's own words.
        words = text.split()[:500]
        located = [(token, i) for i, word in enumerate(words) for token in normalize(word).split()]
        tokens = [token for token, _ in located]
        hits: dict[str, str] = {}
        for start, token in enumerate(tokens):
            for name, phrase in self.lexicon.get(token, ()):
                end = start + len(phrase)
                if name not in hits and tuple(tokens[start:end]) == phrase:
                    hits[name] = " ".join(words[located[start][1] : located[end - 1][1] + 1])
        return hits

    def _evidence(self, text: str, name: str) -> str:
        """The words around the word that weighed most for the indicator: shown to
        caseworkers as the reason. Bounded: one vocabulary look-up per word."""
        k = self.names.index(name)
        words = text.split()[:200]
        vocabulary = self.featurizer.channels[0][1].vocabulary_
        best, best_weight = -1, 0.0
        for i, word in enumerate(words):
            column = vocabulary.get(normalize(word))
            if column is not None and self.weights[column, k] > best_weight:
                best, best_weight = i, float(self.weights[column, k])
        if best < 0:
            return " ".join(words[: 2 * EVIDENCE_WINDOW + 1])
        return " ".join(words[max(0, best - EVIDENCE_WINDOW) : best + EVIDENCE_WINDOW + 1])


def _log_odds(
    features: Any, y: np.ndarray, regularisation: float, class_weight: Any
) -> tuple[np.ndarray, float]:
    """A logistic model of y: (weights, bias) of the log-odds of True."""
    model = LogisticRegression(C=regularisation, max_iter=2000, class_weight=class_weight)
    model.fit(features, y)
    _, weights, bias = linear_parameters(model)
    return weights[:, 1] - weights[:, 0], float(bias[1] - bias[0])
