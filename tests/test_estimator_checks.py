"""scikit-learn's own estimator checks, in full, for glassnet's MLPClassifier and MLPRegressor.

Nothing is marked xfail. scikit-learn skips exactly one check by itself, with the reason
"MLPClassifier does not have a decision_function method": that check compares
decision_function with predict, and MLPClassifier (scikit-learn's own too) offers
predict_proba instead. pandas and SCIPY_ARRAY_API (set in conftest.py) are provided so
that the pandas and array-API checks run instead of being skipped.
"""
from sklearn.utils.estimator_checks import parametrize_with_checks

import glassnet


@parametrize_with_checks([glassnet.MLPClassifier(random_state=0), glassnet.MLPRegressor(random_state=0)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
