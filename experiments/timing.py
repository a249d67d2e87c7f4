"""What the benchmarks share: timing a call, the machine's float32 matmul rate, peak memory
(`ears_tf.machine`, which `--stage=all` uses too)."""
from ears_tf.machine import cpu_model, matmul_gflops, peak_rss_gb, timed  # noqa: F401
