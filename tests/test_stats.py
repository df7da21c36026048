"""Shared statistics against an independent implementation."""

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from stancebook.stats import log_likelihood_g2


@pytest.mark.parametrize("table", [(20, 5, 5, 20), (3, 0, 7, 90), (1, 1, 1, 1), (0, 4, 12, 30)])
def test_g2_equals_scipy_log_likelihood_ratio(table):
    a, b, c, d = table
    expected = chi2_contingency(np.array([[a, b], [c, d]]), correction=False, lambda_="log-likelihood")[0]
    assert float(log_likelihood_g2(a, b, c, d)) == pytest.approx(expected, abs=1e-9)


def test_g2_is_vectorised_over_many_tables():
    a = np.array([20, 10]); b = np.array([5, 10]); c = np.array([5, 10]); d = np.array([20, 10])
    np.testing.assert_allclose(log_likelihood_g2(a, b, c, d), [log_likelihood_g2(20, 5, 5, 20), 0.0])
