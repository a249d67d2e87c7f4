"""What the benchmarks share: timing a call, the machine's float32 matmul rate, peak memory
(`ears_tf.machine`, which `--stage=all` uses too), and timing a command in its own process."""
import os
import subprocess
import sys
import time

from ears_tf.machine import cpu_model, matmul_gflops, peak_rss_gb, timed  # noqa: F401

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed_child(args: list, checkout: str = ROOT) -> tuple:
    """(seconds, peak resident GB of this child alone, completed process) of `python ARGS` run from the
    root of `checkout` (this repository by default), whose code it imports."""
    started = time.perf_counter()
    # A fresh interpreter per command, so RUSAGE_CHILDREN's maximum is this command's.
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print('peak_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
               "sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", wrapper, sys.executable, *args], capture_output=True, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=checkout), cwd=checkout)
    seconds = time.perf_counter() - started
    peak_kb = next((int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("peak_kb")), 0)
    return seconds, peak_kb / 2 ** 20, result
