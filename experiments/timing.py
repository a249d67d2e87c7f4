"""What the benchmarks share: timing a call, the machine's float32 matmul rate, peak memory."""
import resource
import time


def timed(fn, seconds: float, warmup: int = 2) -> float:
    """Seconds per call, averaged over at least `seconds` (and at least 3 calls)."""
    for _ in range(warmup):
        fn()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or calls < 3:
        fn()
        calls += 1
    return (time.perf_counter() - start) / calls


def matmul_gflops(seconds: float) -> float:
    """The float32 matmul rate (2048^2) of this machine, the yardstick of every GFLOP/s share."""
    import tensorflow as tf

    n = 2048
    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))
    matmul = tf.function(lambda: tf.linalg.matmul(a, b)[0, 0])
    return 2 * n ** 3 / timed(lambda: matmul().numpy(), seconds) / 1e9


def peak_rss_gb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
