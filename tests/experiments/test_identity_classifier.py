"""`experiments/identity_classifier.py`: C_i alone, its test accuracy and the blur probe."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_identity_classifier_experiment_reports_test_and_blurred_accuracy(smoke_data):
    out = subprocess.run([sys.executable, os.path.join(REPO, "experiments", "identity_classifier.py"),
                          f"--data={smoke_data}", "--epochs=2", "--eval_every=1", "--batch_size=4",
                          "--filters_base=4", "--filters_max=8", "--probe_blur=1"],
                         capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("epoch")] == ["epoch 1", "epoch 2"]
    blurred = [line for line in lines if line.startswith("test faces blurred, sigma 1 px")]
    assert len(blurred) == 1 and 0.0 <= float(blurred[0].rsplit(" ", 1)[1]) <= 1.0
