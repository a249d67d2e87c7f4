import subprocess
import sys
import wave

import numpy as np
from PIL import Image

from ears_tf import config
from ears_tf.data import pipeline
from ears_tf.data.pairs.prepare import prepare_pairs


def write_wav(path, seconds: float, rate: int = 22_050):
    t = np.arange(int(seconds * rate)) / rate
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes((0.2 * np.sin(2 * np.pi * 150 * t) * 32767).astype("<i2").tobytes())


def make_root(tmp_path):
    root = tmp_path / "pairs"
    (root / "images").mkdir(parents=True)
    (root / "audio").mkdir()
    rng = np.random.default_rng(0)
    for name, size in (("alice", 100), ("bob", 48)):
        Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8)).save(root / "images" / f"{name}.png")
        write_wav(root / "audio" / f"{name}.wav", 2.0)
    Image.fromarray(rng.integers(0, 255, (2, 2, 3), dtype=np.uint8)).save(root / "images" / "tiny.png")  # LR already
    write_wav(root / "audio" / "tiny.wav", 1.0)
    Image.fromarray(rng.integers(0, 255, (40, 40, 3), dtype=np.uint8)).save(root / "images" / "broken.png")
    (root / "audio" / "broken.wav").write_bytes(b"RIFF not really")
    Image.fromarray(rng.integers(0, 255, (40, 40, 3), dtype=np.uint8)).save(root / "images" / "lonely.png")
    return root


def test_pairs_become_test_records_and_bad_ones_are_skipped(tmp_path):
    root = make_root(tmp_path)
    output = tmp_path / "records"
    manifest, skipped = prepare_pairs(root, output, config.get_preset("smoke"))
    assert [s["name"] for s in manifest.speakers] == ["alice", "bob"]
    assert manifest.splits["test"].count == 2 and manifest.splits["d1"].count == 0
    reasons = {path.split("/")[-1]: why for path, why in skipped}
    assert set(reasons) == {"tiny.png", "broken.wav", "lonely.png"}
    assert "already LR" in reasons["tiny.png"] and "no audio file" in reasons["lonely.png"]
    batch = next(iter(pipeline.make_dataset(output, "test", pipeline.PipelineOptions(batch_size=4, training=False,
                                                                                       drop_remainder=False))))
    assert batch["hr"].shape == (2, 32, 32, 3) and batch["waveform"].shape == (2, 64_000)
    assert list(batch["gender"].numpy()) == [-1, -1]
    # 2 s of audio loop-padded to 4 s: not silent anywhere.
    assert float(np.abs(batch["waveform"].numpy()[:, -16_000:]).max()) > 0.1


def test_cli_writes_records_and_refuses_a_non_empty_output(tmp_path):
    root = make_root(tmp_path)
    output = tmp_path / "records"
    command = [sys.executable, "-m", "ears_tf.data.pairs", f"--root={root}", f"--output={output}", "--preset=smoke"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wrote 2 test records" in result.stdout and (output / "manifest.json").exists()
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "output exists and is not an empty folder" in again.stderr
