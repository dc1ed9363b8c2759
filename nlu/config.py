"""The NLU's settings, read from the environment (the `bot` package passes its own)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "nlu"


@dataclass(frozen=True)
class NLUConfig:
    # Where `python -m nlu train` writes the model and Interpreter.load() reads it.
    model_dir: Path = DEFAULT_MODEL_DIR
    # Below this confidence the intent is `nlu_fallback` (Rasa's FallbackClassifier).
    fallback_threshold: float = 0.3
    # When the two best intents are closer than this, the intent is `nlu_fallback` too.
    ambiguity_threshold: float = 0.0
    # Only the first N characters of a message are analysed (the rest is not lost,
    # only not classified): a 100 KB paste must not cost 100 KB of work per turn.
    max_input_chars: int = 1000
    # A remote Rasa server's base URL; when set, intents come from its /model/parse.
    rasa_url: str | None = None
    rasa_token: str | None = None
    rasa_timeout: float = 5.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> NLUConfig:
        env = os.environ if environ is None else environ
        default = cls()
        return cls(
            model_dir=Path(env.get("NLU_MODEL_DIR") or default.model_dir),
            fallback_threshold=float(
                env.get("NLU_FALLBACK_THRESHOLD") or default.fallback_threshold
            ),
            ambiguity_threshold=float(
                env.get("NLU_AMBIGUITY_THRESHOLD") or default.ambiguity_threshold
            ),
            max_input_chars=int(env.get("NLU_MAX_INPUT_CHARS") or default.max_input_chars),
            rasa_url=env.get("RASA_URL") or None,
            rasa_token=env.get("RASA_TOKEN") or None,
            rasa_timeout=float(env.get("RASA_TIMEOUT") or default.rasa_timeout),
        )
