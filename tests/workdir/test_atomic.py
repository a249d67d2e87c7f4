"""Atomic writes: whole or nothing, and `.partial-*` leftovers swept."""
import os

import pytest

from ears_tf.workdir import atomic


def test_a_file_is_replaced_whole(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    atomic.write_json(target, {"new": 1})
    assert target.read_text() == '{\n  "new": 1\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.keras"
    target.write_text("old model")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as temporary:
            assert temporary.endswith(".keras") and os.path.dirname(temporary) == str(tmp_path)
            with open(temporary, "w") as f:
                f.write("half a mod")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "old model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]


def test_a_staged_folder_appears_whole_or_not_at_all(tmp_path):
    output = tmp_path / "records"
    with pytest.raises(KeyboardInterrupt):
        with atomic.staged_folder(output) as staging:
            atomic.write_text(os.path.join(staging, "a.txt"), "a")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    with atomic.staged_folder(output) as staging:
        atomic.write_text(os.path.join(staging, "a.txt"), "a")
    assert (output / "a.txt").read_text() == "a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]


def test_staging_into_an_existing_folder_merges_with_the_marker_last(tmp_path, monkeypatch):
    output = tmp_path / "data"
    output.mkdir()
    (output / "keep.txt").write_text("keep")
    (output / "old-00000.tfrecord").write_text("old shard")
    order = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (order.append(os.path.basename(b)), real_replace(a, b)))
    with atomic.staged_folder(output, last=("manifest.json",), replace=(".tfrecord",)) as staging:
        for name in ("manifest.json", "new-00000.tfrecord", "sub/fig.png"):
            os.makedirs(os.path.dirname(os.path.join(staging, name)), exist_ok=True)
            with open(os.path.join(staging, name), "w") as f:
                f.write(name)
    assert sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_file()) == [
        "keep.txt", "manifest.json", "new-00000.tfrecord", "sub/fig.png"]
    assert [n for n in order if not n.startswith(".partial-")][-1] == "manifest.json"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial-")]


def test_sweep_removes_what_a_killed_run_left(tmp_path):
    (tmp_path / "stage" / ".partial-model-abc").mkdir(parents=True)
    (tmp_path / "stage" / ".partial-done-x.json").write_text("{")
    (tmp_path / "stage" / "done.json").write_text("{}")
    removed = atomic.sweep_partials(tmp_path)
    assert len(removed) == 2
    assert [p.name for p in (tmp_path / "stage").iterdir()] == ["done.json"]


def test_check_writable_names_the_folder_and_creates_nothing(tmp_path):
    atomic.check_writable(tmp_path / "new" / "deeper")
    assert list(tmp_path.iterdir()) == []
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(NotADirectoryError) as error:
        atomic.check_writable(a_file / "sub")
    assert error.value.filename == str(a_file / "sub")


@pytest.fixture
def small_file_system(tmp_path):
    """A 1 MB tmpfs (needs root, as CI runs); skipped where it cannot be mounted."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_line_naming_the_path_and_nothing_left(small_file_system):
    import subprocess
    import sys

    output = small_file_system / "records"
    result = subprocess.run([sys.executable, "-m", "ears_tf.data.synthetic", f"--output={output}", "--preset=smoke",
                             "--workers=1"], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 2, result.stderr[-2000:]
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith(f"error: {small_file_system}") and "No space left on device" in line, line
    assert list(small_file_system.iterdir()) == []


def test_a_read_only_file_system_is_refused_before_any_work(small_file_system):
    import subprocess
    import sys

    subprocess.run(["mount", "-o", "remount,ro", str(small_file_system)], check=True)
    output = small_file_system / "records"
    result = subprocess.run([sys.executable, "-m", "ears_tf.data.synthetic", f"--output={output}", "--preset=smoke"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {output}: Read-only file system"
