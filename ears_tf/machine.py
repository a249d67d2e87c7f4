"""What this machine can do: its CPU, its float32 matmul rate, timing and peak memory.

The matmul rate is the yardstick of every speed figure: benchmarks print their GFLOP/s as a
share of it, and `--stage=all` prints it at its start and scales its wall time to the
reference machine its budget was set on (`REFERENCE_GFLOPS`), since the same run takes
several times longer on an AVX2-only CPU than on an AVX-512 one (docs/benchmarks.md).
"""
from __future__ import annotations

import platform
import resource
import time

# The float32 matmul rate (2048^2) of the 2-core machine the quickstart's budget is set for.
REFERENCE_GFLOPS = 216.0


def _cpuinfo_field(name: str) -> str | None:
    """The first `name : value` of /proc/cpuinfo, None where there is none."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(name):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model() -> str:
    return _cpuinfo_field("model name") or platform.processor() or platform.machine()


def cpu_has_fast_bfloat16() -> bool:
    """Whether this x86 CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX), where oneDNN's
    bfloat16 matmul is several times its float32 one. On other CPUs bfloat16 is emulated."""
    flags = (_cpuinfo_field("flags") or "").split()
    return "avx512_bf16" in flags or "amx_bf16" in flags


def onednn_enabled() -> bool:
    """Whether TensorFlow runs its oneDNN CPU kernels (the yardstick's matmul too)."""
    from tensorflow.python.util import _pywrap_util_port

    return bool(_pywrap_util_port.IsMklEnabled())


def timed(fn, seconds: float, warmup: int = 2) -> float:
    """Seconds per call, averaged over at least `seconds` (and at least 3 calls)."""
    for _ in range(warmup):
        fn()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or calls < 3:
        fn()
        calls += 1
    return (time.perf_counter() - start) / calls


def matmul_gflops(seconds: float, dtype: str = "float32") -> float:
    """The matmul rate (2048^2) of this machine in `dtype`, the yardstick of every GFLOP/s share."""
    import tensorflow as tf

    n = 2048
    # Seeded: op determinism (`--deterministic` on a GPU) refuses unseeded random ops.
    a = tf.cast(tf.random.stateless_normal((n, n), seed=(0, 1)), dtype)
    b = tf.cast(tf.random.stateless_normal((n, n), seed=(0, 2)), dtype)
    matmul = tf.function(lambda: tf.linalg.matmul(a, b)[0, 0])
    return 2 * n ** 3 / timed(lambda: matmul().numpy(), seconds) / 1e9


def peak_rss_gb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
