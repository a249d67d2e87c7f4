"""The fused model of a trained workdir: loaded once, run in batches.

The exporters, the demo and `python -m ears_tf.infer` load it here, so all run the same
graph (`models.SuperResolver`).
"""
from __future__ import annotations

import weakref

import numpy as np
import tensorflow as tf

from ears_tf import variants
from ears_tf.refine import Refiner
from ears_tf.refine_options import RefineOptions
from ears_tf.workdir import layout


def load_super_resolver(workdir, variant: str):
    """The `SuperResolver` of `variant` over the models the workdir's stages trained (the fused
    variants with the E_a fine-tuned or kept with their F; audio_only with the pretrained E_a),
    each loaded once and used as it is."""
    from ears_tf.models import SuperResolver

    artefacts = layout.variant_artefacts(variants.get_variant(variant))
    layout.require(workdir, *artefacts.values())  # before loading anything
    parts = {part: layout.load(workdir, artefact) for part, artefact in artefacts.items()}
    return SuperResolver.from_parts(parts["generator"].model_config, variant, **parts)


def low_res_companion(workdir, model):
    """The "lowres_only" model beside `model` (the strip's E_l-only panel), sharing its G and E_l;
    only E_l is loaded, where `model` has none."""
    if model.uses_image:
        return model.sibling("lowres_only")
    from ears_tf.models import SuperResolver

    return SuperResolver.from_parts(model.model_config, "lowres_only", generator=model.generator,
                                    encoder_lr=layout.load(workdir, layout.ENCODER_LR))


_COMPILED = weakref.WeakKeyDictionary()  # model -> its traced forward pass, traced once per model
_REFINERS = weakref.WeakKeyDictionary()  # model -> {RefineOptions: (traced code, Refiner, its traced G)}


def super_resolve(model, lr_images: np.ndarray, waveforms: np.ndarray, batch_size: int = 16,
                  refine: RefineOptions = RefineOptions()) -> np.ndarray:
    """[N, r, r, 3] + [N, num_samples] -> [N, HR, HR, 3] in [-1, 1], batch by batch; with
    `refine.steps`, each code refined against its LR frame first (`ears_tf/refine.py`)."""
    if refine.steps:
        run = _refining(model, refine)
    else:
        if model not in _COMPILED:
            ref = weakref.ref(model)  # a strong reference in the value would keep every model alive
            _COMPILED[model] = tf.function(lambda lr, waveform: ref()(lr, waveform), reduce_retracing=True)
        run = _COMPILED[model]
    outputs = [run(lr_images[i:i + batch_size], waveforms[i:i + batch_size]) for i in range(0, len(lr_images), batch_size)]
    return np.concatenate([np.asarray(o) for o in outputs])


def _refining(model, refine: RefineOptions):
    """lr, waveform -> G(refined code): the model's code, refined, then drawn."""
    per_model = _REFINERS.setdefault(model, {})
    if refine not in per_model:
        ref = weakref.ref(model)
        latents = tf.function(lambda lr, waveform: ref().latents(lr, waveform), reduce_retracing=True)
        refiner = Refiner(model.generator, refine)
        per_model[refine] = (latents, refiner, tf.function(refiner.draw, reduce_retracing=True))
    latents, refiner, draw = per_model[refine]
    return lambda lr, waveform: draw(refiner(latents(lr, waveform), lr)[0])
