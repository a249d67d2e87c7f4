"""Reloads an exported artefact, runs it, and compares it with the Keras model."""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from ears_tf.metrics.image import psnr
from export.gates import FLOAT32_TOLERANCE, MIN_PSNR_DB
from export.graph import OUTPUT


def run_saved_model(path, lr_image, waveform) -> np.ndarray:
    signature = tf.saved_model.load(path).signatures["serving_default"]
    return signature(lr_image=tf.constant(lr_image), waveform=tf.constant(waveform))[OUTPUT].numpy()


def run_tflite(path, lr_image, waveform) -> np.ndarray:
    runner = tf.lite.Interpreter(model_path=path).get_signature_runner("serving_default")
    return runner(lr_image=lr_image, waveform=waveform)[OUTPUT]


def run_onnx(path, lr_image, waveform) -> np.ndarray:
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run([OUTPUT], {"lr_image": lr_image, "waveform": waveform})[0]


def probe_inputs(model_config, batch: int = 3, seed: int = 0) -> dict:
    """Random inputs and real-looking ones (a smooth LR face-like blob, a voiced sound, silence)."""
    rng = np.random.default_rng(seed)
    r, n = model_config.lr_size, model_config.audio.num_samples
    t = np.arange(n) / model_config.audio.sample_rate
    voiced = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    yy, xx = np.mgrid[-1:1:r * 1j, -1:1:r * 1j]
    blob = np.exp(-(xx ** 2 + yy ** 2) * 2)[..., None] * np.array([0.8, 0.5, 0.3]) - 0.4
    return {
        "random": (rng.uniform(-1, 1, (batch, r, r, 3)).astype(np.float32),
                   rng.normal(0, 0.1, (batch, n)).astype(np.float32)),
        "real-looking": (np.stack([blob, blob[::-1], -blob]).astype(np.float32)[:batch],
                         np.stack([0.1 * voiced, 0.3 * voiced[::-1], np.zeros(n)]).astype(np.float32)[:batch]),
    }


def compare(reference: np.ndarray, output: np.ndarray) -> dict:
    finite = bool(np.isfinite(output).all())
    if not finite:
        return {"finite": False, "max_abs": float("inf"), "psnr": float("-inf")}
    return {"finite": True, "max_abs": float(np.abs(reference - output).max()),
            "psnr": float(np.mean(psnr(output, reference)))}


def gate(result: dict, quantization: str, reference: np.ndarray, float32_tolerance: float = FLOAT32_TOLERANCE,
         min_psnr_db: dict = MIN_PSNR_DB) -> str | None:
    """Why `result` fails its gate, or None: any NaN/Inf fails; float32 by max abs difference
    (scaled by the output's largest magnitude where it exceeds 1: an untrained generator's
    images leave [-1, 1]); float16 and int8 by PSNR."""
    if not result["finite"]:
        return "NaN or Inf in the output"
    if quantization == "float32":
        tolerance = float32_tolerance * max(1.0, float(np.abs(reference).max()))
        if not result["max_abs"] <= tolerance:
            return f"max abs diff {result['max_abs']:.2e} over {tolerance:.2e}"
        return None
    if not result["psnr"] >= min_psnr_db[quantization]:
        return f"PSNR {result['psnr']:.1f} dB under {min_psnr_db[quantization]:.0f} dB"
    return None
