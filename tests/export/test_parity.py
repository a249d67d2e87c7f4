"""The parity gates every exported format passes: NaN/Inf fail all, float32 by max abs
difference, float16 and int8 by PSNR against the Keras model."""
import numpy as np

from export import parity
from export.gates import FLOAT32_TOLERANCE, MIN_PSNR_DB


def gate(reference, output, quantization):
    return parity.gate(parity.compare(reference, output), quantization, reference)


def images(seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (2, 8, 8, 3)).astype(np.float32)


def test_nan_or_inf_fails_every_format():
    reference = images()
    for bad in (np.nan, np.inf):
        output = reference.copy()
        output[0, 0, 0, 0] = bad
        for quantization in ("float32", "float16", "int8"):
            assert gate(reference, output, quantization) == "NaN or Inf in the output"


def test_float32_within_tolerance_passes_and_beyond_fails():
    reference = images()
    assert gate(reference, reference + 0.5 * FLOAT32_TOLERANCE, "float32") is None
    assert "max abs diff" in gate(reference, reference + 3 * FLOAT32_TOLERANCE, "float32")


def test_quantized_formats_are_gated_by_psnr():
    reference = images()
    noise = np.random.default_rng(1).normal(size=reference.shape).astype(np.float32)
    for quantization, threshold in MIN_PSNR_DB.items():
        # PSNR over a peak-to-peak range of 2: noise of rms 2 * 10**(-dB / 20) sits at `dB`.
        close = reference + noise * 2 * 10 ** (-(threshold + 6) / 20)
        far = reference + noise * 2 * 10 ** (-(threshold - 6) / 20)
        assert gate(reference, close, quantization) is None, quantization
        assert "PSNR" in gate(reference, far, quantization), quantization
