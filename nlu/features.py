"""Sparse text features in the spirit of Rasa's CountVectorsFeaturizer.

Three channels over the normalised text, stacked side by side:
- word unigrams and bigrams;
- character n-grams inside word boundaries (`char_wb`): misspellings, missing
  diacritics and romanised spellings ("chahiye", "chaiye", "chahie") land close;
- character n-grams of the consonant skeleton (normalize.skeleton): Arabic script
  and its romanisations ("ڈاکٹر" / "doctor") share features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.fast_tfidf import RowEncoder, encode_all
from nlu.negation import negated_words
from nlu.normalize import skeleton


@dataclass
class FeatureConfig:
    word_ngrams: tuple[int, int] = (1, 2)
    word_min_df: int = 1
    char_ngrams: tuple[int, int] = (1, 5)
    char_min_df: int = 2
    max_char_features: int = 200_000
    skeleton_ngrams: tuple[int, int] | None = (1, 5)
    # Words after a negation cue, marked (nlu.negation); 0: no negation channel.
    negation_scope: int = 0


def _identity(texts: list[str]) -> list[str]:
    return texts


def _skeletons(texts: list[str]) -> list[str]:
    return [skeleton(t) for t in texts]


def _negations(texts: list[str], scope: int) -> list[str]:
    return [negated_words(t, scope) for t in texts]


def tfidf(**options: object) -> TfidfVectorizer:
    """A sublinear-tf, l2-normalised TF-IDF vectorizer (what RowEncoder reproduces)."""
    return TfidfVectorizer(sublinear_tf=True, lowercase=False, dtype=np.float32, **options)


def forget_pruned_terms(vectorizer: TfidfVectorizer) -> None:
    # Some scikit-learn versions keep every pruned term for inspection: not worth saving.
    if hasattr(vectorizer, "stop_words_"):
        vectorizer.stop_words_ = None


class Featurizer:
    """Fitted vectorizers; `transform` maps normalised texts to one sparse matrix."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = c = config or FeatureConfig()
        self.channels: list[tuple[Callable[[list[str]], list[str]], TfidfVectorizer]] = [
            (
                _identity,
                tfidf(
                    analyzer="word",
                    token_pattern=r"\S+",
                    ngram_range=c.word_ngrams,
                    min_df=c.word_min_df,
                ),
            ),
            (
                _identity,
                tfidf(
                    analyzer="char_wb",
                    ngram_range=c.char_ngrams,
                    min_df=c.char_min_df,
                    max_features=c.max_char_features,
                ),
            ),
        ]
        if c.skeleton_ngrams:
            self.channels.append(
                (_skeletons, tfidf(analyzer="char_wb", ngram_range=c.skeleton_ngrams, min_df=2))
            )

        if c.negation_scope:
            self.channels.append(
                (partial(_negations, scope=c.negation_scope), tfidf(token_pattern=r"\S+"))
            )
        self._encoders: list[RowEncoder] | None = None

    def __getstate__(self) -> dict:
        # Encoders hold analyzer closures: rebuilt after loading instead of pickled.
        return {**self.__dict__, "_encoders": None}

    def fit_transform(self, texts: list[str]) -> sp.csr_matrix:
        matrix = sp.hstack([v.fit_transform(prep(texts)) for prep, v in self.channels], "csr")
        for _, vectorizer in self.channels:
            forget_pruned_terms(vectorizer)
        return matrix

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return sp.hstack([v.transform(prep(texts)) for prep, v in self.channels], "csr")

    def encode(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One normalised text → (column indices, TF-IDF values) of its stacked row."""
        if self._encoders is None:
            offsets = np.cumsum([0] + [len(v.vocabulary_) for _, v in self.channels])
            self._encoders = [
                RowEncoder(v, int(offset))
                for (_, v), offset in zip(self.channels, offsets[:-1], strict=True)
            ]
        return encode_all(self._encoders, [prep([text])[0] for prep, _ in self.channels])

    @property
    def size(self) -> int:
        return sum(len(v.vocabulary_) for _, v in self.channels)
