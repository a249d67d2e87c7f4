"""The refinement's options (`ears_tf/refine_options.py`): bad values refused in one line."""
import pytest

from ears_tf.config import ConfigError
from ears_tf.refine_options import RefineOptions


@pytest.mark.parametrize("options, message", [
    ({"steps": -1}, "steps must be 0 or more"),
    ({"learning_rate": 0.0}, "learning rate must be positive"),
    ({"prior_weight": -1.0}, "prior weight must be 0 or more"),
    ({"target": "noise"}, "target must be one of z, w"),
])
def test_bad_refine_options_are_refused(options, message):
    with pytest.raises(ConfigError, match=message):
        RefineOptions(**options).validate()
