"""What the demo page computes, without the page: one request in, the four panels and the mixing strip out.

The models are loaded once (`DemoRunner(workdir)`); every request goes through the same
input preparation as `ears_tf.infer` (`infer.inputs`), and the model is `infer.model.load_super_resolver`'s,
so the demo shows exactly what the CLI and the exported graphs compute.
"""
from __future__ import annotations

import dataclasses
import os
import time

import numpy as np
import tensorflow as tf

from ears_tf import variants
from ears_tf.infer import inputs
from ears_tf.infer.model import load_super_resolver
from ears_tf.data.image import bicubic_upsample, to_uint8
from ears_tf.errors import InputError
from ears_tf.refine import Refiner
from ears_tf.refine_options import RefineOptions
from ears_tf.visualize import nearest_upsample

MIX_STEPS = 5  # columns of the audio-mixing strip: voice A, three blends, voice B
# Peak amplitude below which a voice counts as silence (int16's quantisation step is 3e-5).
SILENCE = 1e-4


@dataclasses.dataclass(frozen=True)
class DemoResult:
    lr: np.ndarray  # uint8 [HR, HR, 3]: the r x r input the model sees, enlarged (nearest)
    bicubic: np.ndarray  # uint8 [HR, HR, 3]
    lowres_only: np.ndarray  # uint8 [HR, HR, 3]: G(E_l(x))
    fused: np.ndarray  # uint8 [HR, HR, 3]: the fused model with the voice
    mix: np.ndarray | None  # uint8 [HR, MIX_STEPS * HR, 3]: E_a's code blended from voice A to B
    seconds: float
    refined: np.ndarray | None = None  # uint8 [HR, HR, 3]: the fused code refined against the frame
    refine_seconds: float | None = None  # the refinement's share of `seconds`


def _uint8(images) -> np.ndarray:
    return np.asarray(to_uint8(images))


class DemoRunner:
    """A workdir's fused variant and its parts, loaded once, answering requests."""

    def __init__(self, workdir, variant: str = variants.DEFAULT.name):
        spec = variants.get_variant(variant)
        if not spec.trained_by_fusion:
            raise ValueError(f"the demo needs a fused variant ({', '.join(variants.FUSED_NAMES)}), got {variant!r}")
        self.variant = variant
        self.model = load_super_resolver(workdir, variant)
        self.model_config = self.model.model_config
        model, low_res_only = self.model, self.model.sibling("lowres_only")

        @tf.function(reduce_retracing=True)
        def images(lr, z_a):
            return low_res_only(lr), model(lr, audio_code=z_a)

        self._images = images
        self._audio_code = tf.function(model.encoder_audio, reduce_retracing=True)
        self._fused_code = tf.function(lambda lr, z_a: model.latents(lr, audio_code=z_a), reduce_retracing=True)
        self._refiners = {}  # steps -> Refiner, each traced once

    def refine(self, lr, audio_code, steps: int) -> np.ndarray:
        """G of the fused code refined by `steps` Adam steps against the LR frame (`ears_tf/refine.py`)."""
        if steps not in self._refiners:
            self._refiners[steps] = Refiner(self.model.generator, RefineOptions(steps=steps))
        refiner = self._refiners[steps]
        return refiner.draw(refiner(self._fused_code(lr, audio_code), lr)[0])

    def _waveform(self, path, display_name: str) -> np.ndarray:
        waveform = inputs.load_waveform(path, self.model_config)
        if float(np.max(np.abs(waveform))) < SILENCE:
            raise InputError(display_name, "the audio is silent; upload or record a voice")
        return waveform

    def run(self, face_path, voice_path, second_voice_path=None, names: dict | None = None,
            refine_steps: int = 0) -> DemoResult:
        """Super-resolves the face with the voice; with a second voice, also the mixing strip; with
        `refine_steps`, also the fused face refined against the LR frame.

        `names` maps each path to the name an error message shows (the uploaded file's own
        name rather than the server's temporary path).
        """
        started = time.perf_counter()
        names = {os.fspath(path): name for path, name in (names or {}).items()}
        shown = lambda path: names.get(os.fspath(path), os.path.basename(os.fspath(path)))  # noqa: E731
        try:
            face = inputs.load_face(face_path, self.model_config)
            voices = [self._waveform(voice_path, shown(voice_path))]
            if second_voice_path:
                voices.append(self._waveform(second_voice_path, shown(second_voice_path)))
        except InputError as error:  # name the upload, not the server's temporary file
            problem = error.problem.replace(error.path, shown(error.path)) if error.path else error.problem
            raise InputError(shown(error.path) if error.path else None, problem) from None
        size = self.model_config.hr_size
        codes = self._audio_code(np.stack(voices))  # [V, k, D]
        lr = face.lr[None]  # [1, r, r, 3]
        lowres_only, fused = self._images(lr, codes[:1])
        mix = None
        if len(voices) == 2:
            t = np.linspace(0.0, 1.0, MIX_STEPS, dtype=np.float32)[:, None, None]
            blended = (1.0 - t) * codes[0] + t * codes[1]  # [MIX_STEPS, k, D]
            _, strip = self._images(np.repeat(lr, MIX_STEPS, axis=0), blended)
            mix = np.concatenate(list(_uint8(strip)), axis=1)  # [HR, MIX_STEPS HR, 3]
        refined, refine_seconds = None, None
        if refine_steps:
            refine_started = time.perf_counter()
            refined = _uint8(self.refine(lr, codes[:1], refine_steps)[0])
            refine_seconds = time.perf_counter() - refine_started
        return DemoResult(
            lr=_uint8(nearest_upsample(face.lr, size)),
            bicubic=_uint8(bicubic_upsample(lr, size)[0]),
            lowres_only=_uint8(lowres_only[0]),
            fused=_uint8(fused[0]),
            mix=mix,
            seconds=time.perf_counter() - started,
            refined=refined,
            refine_seconds=refine_seconds,
        )
