"""Sparse text features in the spirit of Rasa's CountVectorsFeaturizer.

Word unigrams and bigrams plus character n-grams inside word boundaries
(`char_wb`): the character n-grams carry misspellings, missing diacritics and
romanised spellings ("chahiye", "chaiye", "chahie") to the same place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass
class FeatureConfig:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2
    max_char_features: int = 200_000


class Featurizer:
    """Fitted vectorizers; `transform` maps normalised texts to one sparse matrix."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self.word = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",
            ngram_range=self.config.word_ngrams,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        )
        self.char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.config.char_ngrams,
            min_df=self.config.char_min_df,
            max_features=self.config.max_char_features,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        )

    def fit_transform(self, texts: list[str]) -> sp.csr_matrix:
        matrix = sp.hstack(
            [self.word.fit_transform(texts), self.char.fit_transform(texts)], format="csr"
        )
        # Pruned terms are kept by some scikit-learn versions only for inspection: not saved.
        for vectorizer in (self.word, self.char):
            if hasattr(vectorizer, "stop_words_"):
                vectorizer.stop_words_ = None
        return matrix

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return sp.hstack([self.word.transform(texts), self.char.transform(texts)], format="csr")

    @property
    def size(self) -> int:
        return len(self.word.vocabulary_) + len(self.char.vocabulary_)
