"""Intent classifier: a linear model over sparse n-gram features, with calibrated confidences.

Confidences are calibrated by temperature scaling fitted on out-of-fold scores, so
that "0.8" means right about 80% of the time on unseen phrasing. That is what makes
a fallback threshold meaningful.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from nlu.features import FeatureConfig, Featurizer
from nlu.linear import fit_temperature, linear_parameters, linear_scores, softmax

Progress = Callable[[str], None]


def no_progress(_: str) -> None:
    pass


@dataclass
class ClassifierConfig:
    kind: str = "svm"  # "svm" (chosen) or "logreg" (compared in nlu/README.md)
    c: float = 1.0
    calibration_folds: int = 3
    features: FeatureConfig | None = None


class IntentClassifier:
    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()
        self.featurizer = Featurizer(self.config.features)
        self.classes: list[str] = []
        self.weights = np.zeros((0, 0), dtype=np.float32)  # (n_features, n_classes)
        self.bias = np.zeros(0, dtype=np.float32)
        self.temperature = 1.0

    def _estimator(self) -> LogisticRegression | LinearSVC:
        if self.config.kind == "svm":
            return LinearSVC(C=self.config.c, class_weight="balanced")
        return LogisticRegression(C=self.config.c, max_iter=2000, class_weight="balanced")

    def fit(self, texts: list[str], labels: list[str], progress: Progress = no_progress) -> None:
        """Fit on normalised texts. Out-of-fold scores set the temperature first."""
        y = np.asarray(labels)
        folds = self.config.calibration_folds
        if folds >= 2 and np.unique(y, return_counts=True)[1].min() >= folds:
            oof_scores, oof_labels = [], []
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
            for i, (train, held) in enumerate(splitter.split(texts, y), start=1):
                progress(f"calibration fold {i}/{folds}")
                fold = IntentClassifier(replace(self.config, calibration_folds=0))
                fold.fit([texts[j] for j in train], list(y[train]))
                oof_scores.append(fold.scores(fold.featurizer.transform([texts[j] for j in held])))
                oof_labels.extend(fold.classes.index(label) for label in y[held])
            self.temperature = fit_temperature(np.vstack(oof_scores), np.asarray(oof_labels))
        progress("final model")
        features = self.featurizer.fit_transform(texts)
        estimator = self._estimator()
        estimator.fit(features, y)
        self.classes, self.weights, self.bias = linear_parameters(estimator)

    def scores(self, features: sp.csr_matrix) -> np.ndarray:
        return np.asarray(features @ self.weights) + self.bias

    def predict_one(self, normalised_text: str) -> np.ndarray:
        """Probabilities of each class for one text: the fast path of every parse."""
        row = self.featurizer.encode(normalised_text)
        return softmax(linear_scores(row, self.weights, self.bias) / self.temperature)

    def predict_proba(self, normalised_texts: list[str]) -> np.ndarray:
        features = self.featurizer.transform(normalised_texts)
        return softmax(self.scores(features) / self.temperature)
