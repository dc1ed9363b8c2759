"""Linear-model arithmetic shared by the intent and language classifiers.

Parsing computes `features @ weights + bias` with NumPy directly: scikit-learn's
predict_proba validates its input on every call, which costs more than the maths.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


def linear_parameters(
    estimator: LogisticRegression | LinearSVC,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(classes, weights of shape (n_features, n_classes), bias) of a fitted linear model."""
    coef = np.asarray(estimator.coef_, dtype=np.float32)
    bias = np.asarray(estimator.intercept_, dtype=np.float32)
    if coef.shape[0] == 1:  # two classes: scikit-learn keeps one row for the second class
        coef = np.vstack([-coef, coef]) / 2
        bias = np.concatenate([-bias, bias]) / 2
    classes = [str(c) for c in estimator.classes_]
    return classes, np.ascontiguousarray(coef.T), bias


def linear_scores(
    row: tuple[np.ndarray, np.ndarray], weights: np.ndarray, bias: np.ndarray
) -> np.ndarray:
    """Scores of one sparse row given as (column indices, values)."""
    indices, values = row
    return values @ weights[indices] + bias


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def fit_temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T that minimises the negative log-likelihood of softmax(scores / T)."""

    def nll(log_t: float) -> float:
        probs = softmax(scores / np.exp(log_t))
        return float(-np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean())

    result = minimize_scalar(nll, bounds=(-4.0, 4.0), method="bounded")
    return float(np.exp(result.x))
