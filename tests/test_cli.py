"""The error contract of ears_tf/cli.py: user mistakes exit 2 with one line; running out of
memory says so, with a hint, and exits 3."""
import pytest
import tensorflow as tf

from ears_tf import cli


def exit_of(error: BaseException, capsys) -> tuple[int, str]:
    def main(argv):
        raise error

    with pytest.raises(SystemExit) as stopped:
        cli.guarded(main, ["prog"])
    return stopped.value.code, capsys.readouterr().err.strip()


def test_a_full_disk_is_a_one_line_error_naming_the_path(capsys):
    code, err = exit_of(tf.errors.ResourceExhaustedError(None, None, "/runs/x/ckpt-1.index; No space left on device"),
                        capsys)
    assert code == cli.USAGE_EXIT_CODE
    assert err == "error: /runs/x/ckpt-1.index; No space left on device"


@pytest.mark.parametrize("error", [
    tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor with shape[256,512,128,128]\nmore"),
    MemoryError("Unable to allocate 12.0 GiB"),
])
def test_out_of_memory_says_so_with_a_hint_and_is_not_a_usage_error(error, capsys):
    code, err = exit_of(error, capsys)
    assert code == cli.OUT_OF_MEMORY_EXIT_CODE != cli.USAGE_EXIT_CODE
    assert err.startswith("error: out of memory") and "batch" in err
    assert "\n" not in err
