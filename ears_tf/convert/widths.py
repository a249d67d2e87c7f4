"""The model's widths, read from the checkpoint's variable shapes.

The authors' functions take their widths as arguments (`fmap_base`, `fmap_max`,
`n_filters`, `max_filters`), so the same names come with different shapes at another
size; the shapes say which. What no shape says (E_h, the classifiers, the CNN
baseline: none is in the release) comes from the paper preset.
"""
from __future__ import annotations

import dataclasses

from ears_tf.config import PRESET_NAMES, SR_FACTOR, ConfigError, ModelConfig, get_preset
from ears_tf.convert import names
from ears_tf.errors import InputError

# StyleGAN's G_mapping multiplies its learning rate (and its weights at run time) by
# 0.01; no shape records it, and the authors' G_style keeps StyleGAN's default.
MAPPING_LRMUL = 0.01


@dataclasses.dataclass(frozen=True)
class Widths:
    model: ModelConfig
    preset: str | None  # the preset whose model these are, None when none matches


def _shape(shapes: dict, path: str, name: str, rank: int) -> tuple:
    if name not in shapes:
        raise InputError(path, f"lacks variable {name} (not the authors' model, or not all of it)")
    shape = tuple(int(d) for d in shapes[name])
    if len(shape) != rank:
        raise InputError(path, f"variable {name} has shape {list(shape)}, expected rank {rank}")
    return shape


def _fmaps(layers: list[tuple[str, int]], path: str) -> tuple[int, int]:
    """(fmap_base, fmap_max) with min(base / 2**stage, max) == the channels of every stage's layer.

    `layers` is [(their variable, output channels)] from 4x4 up. The base that fits the most
    stages is chosen, so that an error names the layer that does not fit.
    """
    channels = [c for _, c in layers]
    fmap_max = max(channels)
    widths = lambda base: [min(int(base / 2 ** stage), fmap_max) for stage in range(1, len(channels) + 1)]  # noqa: E731
    candidates = [c * 2 ** stage for stage, c in enumerate(channels, start=1) if c < fmap_max]
    candidates = candidates or [fmap_max * 2 ** len(channels)]
    base = max(candidates, key=lambda b: sum(x == y for x, y in zip(widths(b), channels)))
    for (name, actual), expected in zip(layers, widths(base)):
        if actual != expected:
            raise InputError(path, f"variable {name} has {actual} output channels; the other synthesis layers "
                                   f"follow fmap_base {base}, fmap_max {fmap_max}, which give {expected}")
    return base, fmap_max


def infer(shapes: dict, path: str) -> Widths:
    """The ModelConfig the checkpoint's shapes {name: shape} imply; InputError naming the variable if none does."""
    mapping, synthesis = names.INFERENCE_MAPPING, names.INFERENCE_SYNTHESIS
    latent_dim, _ = _shape(shapes, path, f"{mapping}Dense0/weight", 2)
    mapping_layers = 0
    while f"{mapping}Dense{mapping_layers}/weight" in shapes:
        name = f"{mapping}Dense{mapping_layers}/weight"
        if _shape(shapes, path, name, 2) != (latent_dim, latent_dim):
            raise InputError(path, f"variable {name} has shape {list(shapes[name])}, expected [{latent_dim}, {latent_dim}]")
        mapping_layers += 1

    layers = [f"{synthesis}4x4/Conv/weight"]
    size = 8
    while f"{synthesis}{size}x{size}/Conv1/weight" in shapes:
        layers.append(f"{synthesis}{size}x{size}/Conv1/weight")
        size *= 2
    hr_size = size // 2
    if hr_size < 2 * SR_FACTOR:
        raise InputError(path, f"the generator stops at {hr_size}x{hr_size}; 16x super-resolution needs at least {2 * SR_FACTOR}")
    fmap_base, fmap_max = _fmaps([(name, _shape(shapes, path, name, 4)[-1]) for name in layers], path)

    el = names.LOW_RES_ENCODER
    el_convs = [_shape(shapes, path, f"{el}{names.slim_conv(i)}/weights", 4)[-1] for i in range(9)]
    el_stem, el_filters = el_convs[0], (el_convs[1], el_convs[4], el_convs[7])

    ea = names.AUDIO_ENCODER
    ea_convs = [_shape(shapes, path, f"{ea}{names.slim_conv(i)}/weights", 4)[-1]
                for i in range(1 + 2 * names.E_A_SCALES)]
    ea_base, ea_max = ea_convs[0], ea_convs[-1]
    ea_dense = _shape(shapes, path, f"{ea}{names.slim_dense(0)}/weights", 2)[-1]

    # What no shape says comes from the paper preset, the model the authors released.
    paper = get_preset("paper").model
    model = dataclasses.replace(
        paper, hr_size=hr_size, latent_dim=latent_dim, fmap_base=fmap_base, fmap_max=fmap_max,
        mapping_layers=mapping_layers, mapping_lrmul=MAPPING_LRMUL, el_stem_filters=el_stem,
        el_filters=el_filters, ea_filters_base=ea_base, ea_filters_max=ea_max, ea_dense=ea_dense,
    )
    try:
        model.validate()
    except ConfigError as error:
        raise InputError(path, f"the variables' shapes imply no valid model ({error})") from None
    preset = next((name for name in PRESET_NAMES if get_preset(name).model == model), None)
    return Widths(model=model, preset=preset)
