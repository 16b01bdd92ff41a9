"""scikit-learn's own estimator checks, in full, for glassnet's MLPClassifier and MLPRegressor."""
import pytest

pytest.importorskip("sklearn")
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import glassnet  # noqa: E402


@parametrize_with_checks([glassnet.MLPClassifier(random_state=0), glassnet.MLPRegressor(random_state=0)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
