"""The trained NLU model: what is saved to disk, and how it is trained and loaded.

A model directory holds `model.pkl` (the fitted classifiers) and `manifest.json`
(what it was trained on, when, with which library versions). Pickle is used for the
fitted scikit-learn vectorizers, so a model directory must come from a trusted
source: the deployment's own `python -m nlu train`.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sklearn

from nlu.intent_classifier import ClassifierConfig, IntentClassifier, Progress, no_progress
from nlu.language_id import LanguageIdentifier
from nlu.normalize import normalize
from nlu.risk import RiskDetector
from nlu.risk_data import (
    RISK_DIR,
    RiskExample,
    load_risk_data,
    load_risk_lexicon,
    load_risk_taxonomy,
)
from nlu.training_data import NLU_DIR, TrainingData, data_files, load, load_taxonomy

MODEL_FILE = "model.pkl"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 4  # 2: the risk detector is part of the model; 3: with its gate; 4: float16


class ModelError(RuntimeError):
    """A model directory that cannot be used; the message says what to do."""


# Intents whose examples carry no risk: extra negatives for the risk detector, so that
# small talk and questions about procedures do not raise alarms.
RISK_FREE_INTENTS = frozenset(
    {
        "greet", "goodbye", "thank_you", "affirm", "deny", "bot_challenge",
        "change_language", "contact_info", "out_of_scope", "data_privacy",
        "delete_my_data", "voluntary_return", "asylum_info", "documents",
    }
)  # fmt: skip
# ...except messages where someone else holds the papers: that is document_retention.
_HOLDER = re.compile(
    r"boss|took|keep|kept|hold|agent|employer|smuggl|patron|gazda|poslodav|шеф|хозя|"
    r"работодат|забра|uze|صاحب|کارفرما|مالک|کفیل|قاچاق|خاوند|patronu|şef|pronar|punëdhën",
    re.IGNORECASE,
)


def risk_negatives(data: TrainingData) -> list[str]:
    """Intent examples that carry no risk: extra negatives for the risk detector."""
    return [e.text for e in data.examples
            if e.intent in RISK_FREE_INTENTS and not _HOLDER.search(e.text)]  # fmt: skip


@dataclass
class NLUModel:
    intents: IntentClassifier
    languages: LanguageIdentifier
    manifest: dict
    risk: RiskDetector | None = None


def fingerprint(path: Path) -> str:
    """A hash of the training data files, to tell when a model is older than its data."""
    digest = hashlib.sha256()
    for file in data_files(path):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def train(
    data: TrainingData,
    config: ClassifierConfig | None = None,
    progress: Progress = no_progress,
    data_path: Path | None = None,
    risk_examples: list[RiskExample] | None = None,
) -> NLUModel:
    started = time.perf_counter()
    texts = [e.text for e in data.examples]
    progress(f"normalising {len(texts)} examples")
    normalised = [normalize(t) for t in texts]
    progress("training the language identifier")
    languages = LanguageIdentifier()
    languages.fit(texts, [e.language for e in data.examples])
    intents = IntentClassifier(config)
    intents.fit(normalised, [e.intent for e in data.examples], lambda s: progress(f"intents: {s}"))
    risk = None
    if risk_examples:
        progress(f"training the risk detector on {len(risk_examples)} examples")
        risk = RiskDetector(load_risk_taxonomy())
        risk.fit(risk_examples, risk_negatives(data))
        risk.set_lexicon(load_risk_lexicon())
    manifest = {
        "format": FORMAT_VERSION,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(time.perf_counter() - started, 1),
        "examples": len(texts),
        "intents": intents.classes,
        "languages": languages.tags,
        "features": intents.featurizer.size,
        "classifier": intents.config.kind,
        "temperature": round(intents.temperature, 4),
        "data_fingerprint": fingerprint(data_path) if data_path else None,
        "sklearn": sklearn.__version__,
        "risk_examples": len(risk_examples or []),
    }
    return NLUModel(intents, languages, manifest, risk)


def train_from_files(
    data_path: Path = NLU_DIR, progress: Progress = no_progress, risk_path: Path | None = RISK_DIR
) -> NLUModel:
    progress(f"reading training data from {data_path}")
    data = load(data_path, load_taxonomy())
    risk_examples = load_risk_data(risk_path) if risk_path and _has_yaml(risk_path) else None
    progress(f"{len(data.examples)} examples, {len(data.intents)} intents, "
             f"{len(data.languages)} languages")  # fmt: skip
    return train(data, progress=progress, data_path=data_path, risk_examples=risk_examples)


def _has_yaml(path: Path) -> bool:
    return path.is_file() or (path.is_dir() and any(path.rglob("*.yml")))


def save(model: NLUModel, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a model.
    tmp = directory / (MODEL_FILE + ".tmp")
    with tmp.open("wb") as fh:
        parts = {"intents": model.intents, "languages": model.languages, "risk": model.risk}
        pickle.dump(parts, fh, protocol=5)
    tmp.replace(directory / MODEL_FILE)
    (directory / MANIFEST_FILE).write_text(json.dumps(model.manifest, indent=2) + "\n")


def load_model(directory: Path) -> NLUModel:
    manifest_path = directory / MANIFEST_FILE
    model_path = directory / MODEL_FILE
    if not manifest_path.exists() or not model_path.exists():
        raise ModelError(f"no trained model in {directory}: run `python -m nlu train`")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError as exc:
        raise ModelError(f"{manifest_path} is damaged ({exc}): run `python -m nlu train`") from exc
    if manifest.get("format") != FORMAT_VERSION or manifest.get("sklearn") != sklearn.__version__:
        raise ModelError(
            f"the model in {directory} was built by another version "
            f"(format {manifest.get('format')}, scikit-learn {manifest.get('sklearn')}): "
            "run `python -m nlu train`"
        )
    try:
        with model_path.open("rb") as fh:
            parts = pickle.load(fh)
    except Exception as exc:
        raise ModelError(f"{model_path} cannot be read ({exc}): run `python -m nlu train`") from exc
    return NLUModel(parts["intents"], parts["languages"], manifest, parts.get("risk"))
