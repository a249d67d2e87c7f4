#!/usr/bin/env bash
# The JAX GPU benchmark (docs/benchmarks.md, "Training on a GPU under JAX"), for a machine with JAX
# and no TensorFlow (the device tool's H200). Two commands:
#
#   bash experiments/device_bench.sh wheels   here: fetches Keras and its two missing needs as
#                                             Python 3.12 wheels into .whl/ (kept out of git)
#   bash experiments/device_bench.sh run      there (carry .whl): installs them, then times the paper
#                                             G + D step in mixed bfloat16 and float32 at batch 32 and
#                                             the fused model's forward at batch 256 in bfloat16
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
    export PYTHONPATH="/tmp/site:$PWD" KERAS_BACKEND=jax
    cd experiments
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
    for precision in mixed_bfloat16 float32; do
        python3 bench_train.py --backend=jax --preset=paper --stage=stylegan --precision="$precision" --batch=32 --seconds=20
    done
    python3 bench_train.py --backend=jax --preset=paper --stage=inference --precision=mixed_bfloat16 --batch=256 --seconds=20
    ;;
*)
    echo "usage: bash experiments/device_bench.sh wheels|run" >&2
    exit 2
    ;;
esac
