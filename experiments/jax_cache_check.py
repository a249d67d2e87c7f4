"""Does this JAX's persistent compilation cache return working executables for a step that
donates its state, as the trainer's steps do? (docs/backends.md, "XLA's compilation cache")

  python experiments/jax_cache_check.py

Runs one small donated step three times in fresh processes: without the cache, filling an empty
cache, and loading from it; prints each run's result (or how it died) and a verdict. On JAX
0.4.34's CPU backend the loading run crashed (SIGSEGV) or returned NaN; on 0.10.2 it matched.
"""
import subprocess
import sys
import tempfile

STEP = r"""
import sys
import numpy as np
import jax
import jax.numpy as jnp
from jax.experimental.compilation_cache import compilation_cache

if sys.argv[1] != "off":
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_compilation_cache_dir", sys.argv[1])
    compilation_cache.reset_cache()


def step(state, x):
    w, b = state
    y = jnp.tanh(x @ w + b)  # [32, 64]
    return (w - 0.01 * x.T @ y, b - 0.01 * y.mean(0)), y.sum()


train = jax.jit(step, donate_argnums=(0,))
rng = np.random.default_rng(0)
state = (jnp.asarray(rng.normal(size=(64, 64)).astype(np.float32)), jnp.zeros(64))
x = jnp.asarray(rng.normal(size=(32, 64)).astype(np.float32))
for _ in range(20):
    state, total = train(state, x)
print(f"{float(total):.6f} {float(jnp.abs(state[0]).sum()):.6f}")
"""


def run(cache: str) -> str:
    result = subprocess.run([sys.executable, "-c", STEP, cache], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        return f"died (exit {result.returncode})"
    return result.stdout.strip()


def main() -> None:
    import jax

    print(f"JAX {jax.__version__}, {jax.devices()[0].platform}")
    with tempfile.TemporaryDirectory() as cache:
        results = {"no cache": run("off"), "filling the cache": run(cache), "loading from it": run(cache)}
    for label, result in results.items():
        print(f"{label:<20}{result}")
    same = len(set(results.values())) == 1
    print("verdict: " + ("the cached step matches" if same else "the cached step does NOT match: keep the cache off"))


if __name__ == "__main__":
    main()
