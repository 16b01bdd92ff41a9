"""scikit-learn estimators trained by glassnet (importing this package imports scikit-learn).

``glassnet.MLPClassifier`` and ``glassnet.MLPRegressor`` load this package on first use.
"""
from glassnet.estimators.classifier import MLPClassifier
from glassnet.estimators.regressor import MLPRegressor

ESTIMATORS = {"MLPClassifier": MLPClassifier, "MLPRegressor": MLPRegressor}
"""Estimator classes by name (used to rebuild them from model files)."""

__all__ = ["MLPClassifier", "MLPRegressor", "ESTIMATORS"]
