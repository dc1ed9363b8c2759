"""`Interpreter.parse(text)` → Rasa's /model/parse shape, plus the language.

    {"text": ..., "intent": {"name", "confidence"}, "intent_ranking": [...10],
     "entities": [], "language": {"code", "confidence"}}

Never raises on any text: empty, huge, binary-looking or emoji-only input gives a
valid parse with `nlu_fallback` where nothing can be understood.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from nlu.config import NLUConfig
from nlu.model import ModelError, NLUModel, load_model, save, train_from_files
from nlu.normalize import normalize

FALLBACK_INTENT = "nlu_fallback"
RANKING_LENGTH = 10

log = logging.getLogger(__name__)


def _printable(text: str) -> str:
    """The text as given, with lone surrogates (not encodable) replaced."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


class Interpreter:
    def __init__(self, model: NLUModel, config: NLUConfig | None = None) -> None:
        self.model = model
        self.config = config or NLUConfig()

    @classmethod
    def load(cls, path: Path | str | None = None, config: NLUConfig | None = None) -> Interpreter:
        """Load the trained model (train and save one first if there is none, or it is unusable).

        With RASA_URL set (or `config.rasa_url`), returns a RemoteInterpreter that asks
        that Rasa server for intents and uses the local model for the language and as a
        fallback when the server cannot be reached.
        """
        config = config or NLUConfig.from_env()
        directory = Path(path) if path is not None else config.model_dir
        try:
            model = load_model(directory)
        except ModelError as exc:
            log.warning("%s; training a new model now", exc)
            model = train_from_files(progress=lambda step: log.info("nlu train: %s", step))
            save(model, directory)
        if config.rasa_url:
            from nlu.remote import RemoteInterpreter

            return RemoteInterpreter(model, config)
        return cls(model, config)

    def parse(self, text: Any) -> dict[str, Any]:
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        analysed = text[: self.config.max_input_chars]
        code, language_confidence = self.model.languages.identify(analysed)
        result: dict[str, Any] = {
            "text": _printable(text),
            "intent": {"name": FALLBACK_INTENT, "confidence": 1.0},
            "intent_ranking": [],
            "entities": [],
            "language": {"code": code, "confidence": language_confidence},
            "risk": self.model.risk.detect(analysed)
            if self.model.risk is not None
            else {"level": "none", "indicators": []},
        }
        normalised = normalize(analysed)
        if not normalised:
            result["intent_ranking"] = [dict(result["intent"])]
            return result
        result["intent_ranking"] = self._rank(normalised)
        self._apply_fallback(result)
        return result

    def _rank(self, normalised: str) -> list[dict[str, Any]]:
        classifier = self.model.intents
        probabilities = classifier.predict_one(normalised)
        order = probabilities.argsort()[::-1][:RANKING_LENGTH]
        return [
            {"name": classifier.classes[i], "confidence": round(float(probabilities[i]), 4)}
            for i in order
        ]

    def _apply_fallback(self, result: dict[str, Any]) -> None:
        """Rasa's FallbackClassifier: low or ambiguous confidence → nlu_fallback first."""
        ranking = result["intent_ranking"]
        best = ranking[0]
        runner_up = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        low = best["confidence"] < self.config.fallback_threshold
        ambiguous = best["confidence"] - runner_up < self.config.ambiguity_threshold
        if low or ambiguous:
            fallback = {"name": FALLBACK_INTENT, "confidence": self.config.fallback_threshold}
            result["intent"] = fallback
            result["intent_ranking"] = [dict(fallback), *ranking[: RANKING_LENGTH - 1]]
        else:
            result["intent"] = dict(best)
