"""Language identification with BCP-47 tags, romanised forms included.

Three pieces of evidence, combined in log space:
1. The script (Arabic, Cyrillic, Latin) decides which tags are possible at all.
2. A character n-gram model trained on our own data: the only one that knows
   Pashto and the romanised forms (ar-Latn Arabizi, fa-Latn Finglish, ur-Latn).
3. lingua (a maintained library that ships its models; low-accuracy mode keeps it
   at ~35 MB and 0.1 s to load) for the languages it knows.
Plus letter rules: Pashto-only and Urdu-only letters, Arabizi digits inside words.
"""

from __future__ import annotations

import math
import re
from functools import cache

import numpy as np
from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from sklearn.linear_model import LogisticRegression

from nlu.fast_tfidf import RowEncoder
from nlu.features import forget_pruned_terms, tfidf
from nlu.linear import linear_parameters, linear_scores
from nlu.normalize import clean

UNDETERMINED = "und"

SCRIPT_OF_TAG = {
    "en": "Latn", "fr": "Latn", "tr": "Latn", "sq": "Latn", "sr-Latn": "Latn",
    "ar-Latn": "Latn", "fa-Latn": "Latn", "ur-Latn": "Latn",
    "ru": "Cyrl", "uk": "Cyrl", "mk": "Cyrl", "sr-Cyrl": "Cyrl",
    "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab",
}  # fmt: skip

_LINGUA_TAGS = {
    Language.ENGLISH: "en",
    Language.FRENCH: "fr",
    Language.TURKISH: "tr",
    Language.ALBANIAN: "sq",
    Language.RUSSIAN: "ru",
    Language.UKRAINIAN: "uk",
    Language.MACEDONIAN: "mk",
    Language.ARABIC: "ar",
    Language.PERSIAN: "fa",
    Language.URDU: "ur",
    Language.SERBIAN: "sr",
    Language.BOSNIAN: "sr",
    Language.CROATIAN: "sr",
}

_KNOWN_TO_LINGUA = (set(_LINGUA_TAGS.values()) - {"sr"}) | {"sr-Latn", "sr-Cyrl"}
# Letters that point to (or, with a negative bonus, away from) one language of a script.
_DISTINCTIVE_LETTERS = {
    "Arab": [
        (set("ټډړږښځڅګڼېۍ"), "ps", 3.0),
        (set("ٹڈڑںےھ"), "ur", 2.0),
        (set("پچژگ"), "ar", -1.0),  # Persian letters: rare in Arabic
    ],
    "Cyrl": [
        (set("ћђ"), "sr-Cyrl", 3.0),
        (set("ѓќѕ"), "mk", 3.0),
        (set("іїєґ"), "uk", 3.0),
        (set("ыэъё"), "ru", 3.0),
    ],
}
_ARABIZI_WORD = re.compile(r"[a-z][235789][a-z]|\b[2375][a-z]{2,}|[a-z]{2,}[2375]\b")


def script_of(text: str) -> str | None:
    """The dominant script among the letters of `text`, or None when it has no letters."""
    counts = {"Arab": 0, "Cyrl": 0, "Latn": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
            counts["Arab"] += 1
        elif "\u0400" <= ch <= "\u04ff":
            counts["Cyrl"] += 1
        elif ch.isascii() or "\u00c0" <= ch <= "\u024f":
            counts["Latn"] += 1
    script, count = max(counts.items(), key=lambda kv: kv[1])
    return script if count else None


@cache
def lingua_detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*_LINGUA_TAGS)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


class LanguageIdentifier:
    def __init__(self, lingua_weight: float = 0.25) -> None:
        self.lingua_weight = lingua_weight
        self.vectorizer = tfidf(analyzer="char_wb", ngram_range=(1, 4), min_df=2)
        self.tags: list[str] = []
        self.weights = np.zeros((0, 0), dtype=np.float32)
        self.bias = np.zeros(0, dtype=np.float32)
        self._row_encoder: RowEncoder | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_row_encoder": None}

    def _encoder(self) -> RowEncoder:
        if self._row_encoder is None:
            self._row_encoder = RowEncoder(self.vectorizer)
        return self._row_encoder

    def fit(self, texts: list[str], tags: list[str]) -> None:
        features = self.vectorizer.fit_transform([clean(t).casefold() for t in texts])
        forget_pruned_terms(self.vectorizer)
        model = LogisticRegression(C=20.0, max_iter=2000)
        model.fit(features, tags)
        self.tags, self.weights, self.bias = linear_parameters(model)

    def identify(self, text: str) -> tuple[str, float]:
        """(BCP-47 tag, confidence); ("und", 0.0) when there is nothing to go by."""
        text = clean(text)
        script = script_of(text)
        if script is None:
            return UNDETERMINED, 0.0
        candidates = [i for i, tag in enumerate(self.tags) if SCRIPT_OF_TAG.get(tag) == script]
        if not candidates:
            return UNDETERMINED, 0.0
        lowered = text.casefold()
        logits = linear_scores(self._encoder().encode(lowered), self.weights, self.bias)
        scores = {self.tags[i]: float(logits[i]) for i in candidates}
        self._apply_lingua(text, script, scores)
        self._apply_letter_rules(lowered, script, scores)
        top = max(scores.values())
        total = sum(math.exp(s - top) for s in scores.values())
        best = max(scores, key=lambda tag: scores[tag])
        return best, round(1.0 / total, 4)

    def _apply_lingua(self, text: str, script: str, scores: dict[str, float]) -> None:
        if self.lingua_weight <= 0:
            return
        known: dict[str, float] = {}
        for value in lingua_detector().compute_language_confidence_values(text):
            tag = _LINGUA_TAGS[value.language]
            if tag == "sr":
                tag = f"sr-{script}"
            known[tag] = known.get(tag, 0.0) + value.value
        # Tags lingua does not know (ps, romanised forms) get a neutral share.
        neutral = 1.0 / max(len(scores), 1)
        for tag in scores:
            probability = known.get(tag, 0.0) if tag in _KNOWN_TO_LINGUA else neutral
            scores[tag] += self.lingua_weight * math.log(probability + 0.05)

    @staticmethod
    def _apply_letter_rules(lowered: str, script: str, scores: dict[str, float]) -> None:
        letters = set(lowered)
        for distinctive, tag, bonus in _DISTINCTIVE_LETTERS.get(script, []):
            if tag in scores and letters & distinctive:
                scores[tag] += bonus
        if script == "Latn" and "ar-Latn" in scores and _ARABIZI_WORD.search(lowered):
            scores["ar-Latn"] += 2.0
