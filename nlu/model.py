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
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sklearn

from nlu.intent_classifier import ClassifierConfig, IntentClassifier, Progress, no_progress
from nlu.language_id import LanguageIdentifier
from nlu.normalize import normalize
from nlu.training_data import NLU_DIR, TrainingData, data_files, load, load_taxonomy

MODEL_FILE = "model.pkl"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1


class ModelError(RuntimeError):
    """A model directory that cannot be used; the message says what to do."""


@dataclass
class NLUModel:
    intents: IntentClassifier
    languages: LanguageIdentifier
    manifest: dict


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
    }
    return NLUModel(intents, languages, manifest)


def train_from_files(data_path: Path = NLU_DIR, progress: Progress = no_progress) -> NLUModel:
    progress(f"reading training data from {data_path}")
    data = load(data_path, load_taxonomy())
    progress(f"{len(data.examples)} examples, {len(data.intents)} intents, "
             f"{len(data.languages)} languages")  # fmt: skip
    return train(data, progress=progress, data_path=data_path)


def save(model: NLUModel, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a model.
    tmp = directory / (MODEL_FILE + ".tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"intents": model.intents, "languages": model.languages}, fh, protocol=5)
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
    return NLUModel(parts["intents"], parts["languages"], manifest)
