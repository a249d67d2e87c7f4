"""The method's premise, measured on quickstart-resolution synthetic data (issue 2, item 6)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from ears_tf.data.synthetic import premise

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.mark.slow  # 75 s on 2 cores: a premise data set and its k-fold classifiers; the generator's design is fixed
def test_check_synthetic_prints_the_premise_and_it_holds(premise_data):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "experiments", "check_synthetic.py"), f"--data={premise_data}"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    numbers = dict(re.findall(r"^(gender from the voice|gender from the 16x LR image|gender from the HR image|speaker from the HR image)\s+([0-9.]+)", result.stdout, re.M))
    assert float(numbers["gender from the voice"]) >= 0.9, result.stdout
    assert float(numbers["gender from the 16x LR image"]) <= 0.75, result.stdout
    assert float(numbers["gender from the HR image"]) >= 0.95, result.stdout
    assert float(numbers["speaker from the HR image"]) > 0.05, result.stdout


def test_kfold_accuracy_is_chance_on_noise_and_perfect_on_signal():
    rng = np.random.default_rng(0)
    speakers = np.repeat(np.arange(40), 5)
    labels = speakers % 2
    noise = rng.normal(size=(200, 10))
    assert abs(premise.speaker_kfold_accuracy(noise, labels, speakers) - 0.5) < 0.15
    signal = noise.copy()
    signal[:, 0] += 6 * labels
    assert premise.speaker_kfold_accuracy(signal, labels, speakers) > 0.97
