"""`experiments/projection.py`: test faces projected into the trained G, from E_h's code."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_projection_lowers_the_loss_from_e_h_s_code_and_reports_each_step(trained_smoke):
    data, workdir, _ = trained_smoke
    out = subprocess.run(
        [sys.executable, os.path.join(REPO, "experiments", "projection.py"), f"--workdir={workdir}", f"--data={data}",
         "--examples=6", "--batch_size=4", "--steps=6", "--report_every=3", "--lr=0.05"],
        capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [line.split("|")[1:-1] for line in out.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row[0].strip() for row in rows] == ["step", "0 (E_h)", "3", "6"]
    losses = [float(row[1]) for row in rows[1:]]
    assert losses[-1] < losses[0]  # Adam on the latents fits the faces better than E_h's one pass
    for row in rows[1:]:
        accuracy = float(row[3].split()[0])
        assert 0.0 <= accuracy <= 1.0
    assert "C_i on the real test faces" in out.stdout
