#!/usr/bin/env bash
# The JAX GPU benchmark (docs/benchmarks.md, "Training on a GPU under JAX"), for a machine with JAX
# and no TensorFlow (the device tool's H200). Two commands:
#
#   bash experiments/device_bench.sh wheels   here: fetches Keras and its two missing needs as
#                                             Python 3.12 wheels into .whl/ (kept out of git)
#   bash experiments/device_bench.sh run      there (carry .whl): installs them, then times the paper
#                                             G + D step in mixed bfloat16 at batch 32, the fused
#                                             model's forward at batch 256 in bfloat16 and the G + D
#                                             step in float32, each within PER_RUN_S (170) seconds;
#                                             then whether JAX's compilation cache works there
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
wheels)
    exclude="$(git rev-parse --git-path info/exclude)"
    mkdir -p "$(dirname "$exclude")"
    grep -qx "/.whl/" "$exclude" 2>/dev/null || echo "/.whl/" >> "$exclude"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl \
        "keras==$(python3 -c 'import keras; print(keras.__version__)')" namex optree
    ls .whl
    ;;
run)
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site:$PWD" KERAS_BACKEND=jax PYTHONUNBUFFERED=1
    log="${OUT:-/tmp}/device_bench.log"  # the device tool brings $OUT back, also after a time-out
    cd experiments
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | tee -a "$log" || true
    # The headline row first; each run capped (PER_RUN_S) so that a slow compile costs one row, not all.
    per_run="${PER_RUN_S:-170}" preset="${PRESET:-paper}"  # PRESET=smoke rehearses the script on a CPU
    for row in "stylegan mixed_bfloat16 32" "inference mixed_bfloat16 256" "stylegan float32 32"; do
        read -r stage precision batch <<<"$row"
        timeout "$per_run" python3 bench_train.py --backend=jax --preset="$preset" --stage="$stage" \
            --precision="$precision" --batch="$batch" --seconds=10 2>&1 | tee -a "$log" \
            || echo "bench_train.py --stage=$stage --precision=$precision: exit ${PIPESTATUS[0]}" | tee -a "$log"
    done
    # Whether XLA's persistent compilation cache may serve the trainer's donated steps here (docs/backends.md).
    timeout 60 python3 jax_cache_check.py 2>&1 | tee -a "$log" || true
    ;;
*)
    echo "usage: bash experiments/device_bench.sh wheels|run" >&2
    exit 2
    ;;
esac
