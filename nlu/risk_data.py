"""Risk training data: Rasa 3.1 YAML under nlu/data/risk/<tag>.yml.

A label is an indicator of risk.yml, several joined with "+" (Rasa's multi-intent
convention), or `no_risk` for hard negatives. `metadata: {about: other}` marks
messages about someone else (a friend, a child): still an indicator, recorded as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.normalize import normalize
from nlu.training_data import DATA_DIR, data_files, example_lines
from nlu.yaml_source import ProblemsError, compose_mapping

RISK_DIR = DATA_DIR / "risk"
RISK_TAXONOMY_FILE = DATA_DIR / "risk.yml"
RISK_LEXICON_FILE = DATA_DIR / "risk_lexicon.yml"
NO_RISK = "no_risk"
LEVELS = ("none", "medium", "high", "emergency")


class RiskDataError(ProblemsError):
    """Risk data that cannot be used; each problem names its file and line."""


@dataclass(frozen=True)
class RiskExample:
    text: str
    indicators: frozenset[str]  # empty for no_risk
    about: str  # "self" | "other"
    language: str
    source: str


def load_risk_taxonomy(path: Path = RISK_TAXONOMY_FILE) -> dict[str, str]:
    """Indicator name → severity (emergency | high | medium)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: spec["severity"] for name, spec in doc["indicators"].items()}


def load_risk_lexicon(path: Path = RISK_LEXICON_FILE) -> dict[str, list[str]]:
    """indicator → phrases in every language (the file groups them by language)."""
    if not path.exists():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    taxonomy = load_risk_taxonomy()
    problems = [f"{path}: '{name}' is not a risk indicator"
                for name in doc if name != "version" and name not in taxonomy]  # fmt: skip
    if problems:
        raise RiskDataError(problems)
    return {
        name: [phrase for phrases in by_language.values() for phrase in phrases]
        for name, by_language in doc.items()
        if name != "version"
    }


def load_risk_data(
    path: Path | str = RISK_DIR, taxonomy: dict[str, str] | None = None
) -> list[RiskExample]:
    taxonomy = taxonomy or load_risk_taxonomy()
    problems: list[str] = []
    examples: list[RiskExample] = []
    for file in data_files(Path(path)):
        root = compose_mapping(file, problems, "a mapping with 'version' and 'nlu'")
        if root is None:
            continue
        top = {k.value: v for k, v in root.value}
        items = top.get("nlu")
        if not isinstance(items, yaml.SequenceNode):
            problems.append(f"{file}, line 1: no 'nlu:' list")
            continue
        for item in items.value:
            line = item.start_mark.line + 1
            fields = (
                {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
            )
            label = str(fields["intent"].value) if "intent" in fields else ""
            unknown = set(fields) - {"intent", "examples", "metadata"}
            if unknown or not label or "examples" not in fields:
                problems.append(f"{file}, line {line}: expected intent, examples, metadata")
                continue
            names = frozenset() if label == NO_RISK else frozenset(label.split("+"))
            for name in names - set(taxonomy):
                problems.append(f"{file}, line {line}: '{name}' is not a risk indicator")
            metadata = (
                yaml.safe_load(yaml.serialize(fields["metadata"])) if "metadata" in fields else {}
            )
            about = (metadata or {}).get("about", "self")
            if about not in ("self", "other"):
                problems.append(f"{file}, line {line}: metadata about is 'self' or 'other'")
            for text, ex_line in example_lines(fields["examples"], file, problems):
                examples.append(RiskExample(text, names, about, file.stem, f"{file}:{ex_line}"))
    if problems:
        raise RiskDataError(problems)
    return examples


# Training messages this close to an evaluation message (cosine of character 3-5-gram
# TF-IDF of the normalised texts) are near-copies: they would make the evaluation
# measure memory instead of understanding.
NEAR_COPY = 0.75


def near_copies(
    training: list[RiskExample], evaluation: list[RiskExample], threshold: float = NEAR_COPY
) -> list[tuple[RiskExample, RiskExample, float]]:
    """(training example, its closest evaluation message, similarity) for every
    training example at or above `threshold`."""
    if not training or not evaluation:
        return []
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    train_texts = [normalize(e.text) for e in training]
    eval_texts = [normalize(e.text) for e in evaluation]
    vectorizer.fit(train_texts + eval_texts)
    similarity = (vectorizer.transform(train_texts) @ vectorizer.transform(eval_texts).T).tocsr()
    best, closest = similarity.max(axis=1).toarray().ravel(), similarity.argmax(axis=1).A1
    return [
        (training[i], evaluation[closest[i]], float(best[i]))
        for i in range(len(training))
        if best[i] >= threshold
    ]
