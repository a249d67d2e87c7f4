"""Converting the authors' release (TF1 `model-0` + StyleGAN snapshot) into a workdir.

    read the checkpoint's names and shapes -> the model's widths (widths.infer)
    build our generator, E_l, E_a and F3 at those widths
    assign every variable of ours from the table (mapping.RULES), checking each shape;
    check that every variable of theirs is used or listed as unused (mapping.UNUSED)
    write the workdir in one rename: the stages' models, done markers, config.json

The result is a workdir that inference, export and the demo read as if it had been
trained here: the fused variant f3_finetune (F3 with the fine-tuned E_a, the authors'
released model), lowres_only and audio_only (the released E_a, the fine-tuned one).
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import sys
import time

import numpy as np

from ears_tf import variants
from ears_tf.config import ModelConfig
from ears_tf.convert import mapping, names, widths
from ears_tf.convert.snapshot import Snapshot, read_snapshot
from ears_tf.errors import InputError, reason
from ears_tf.layers.constants import state_weights

# Without the snapshot, w_avg (truncation's centre, not trainable, so not in the
# checkpoint) is estimated as StyleGAN tracks it: the mean of w over z ~ N(0, I).
W_AVG_SAMPLES = 8192
W_AVG_SEED = 0
CUSTOM_PRESET = "custom"  # config.json's preset when the widths match no preset
FORMAT = "ears_tf.convert/1"


@dataclasses.dataclass
class Conversion:
    """What a conversion did, for the summary and `--verbose`."""

    widths: widths.Widths
    table: list  # (their name, shape, where it went or why it was not used)
    notes: list  # sentences for the user: copies compared, estimates made
    sources: dict  # file -> {bytes, sha256}
    parameters: dict  # our model -> trainable parameter count
    seconds: float = 0.0


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_record(path: str) -> dict:
    return {"path": os.path.abspath(path), "bytes": os.path.getsize(path), "sha256": _sha256(path)}


class CheckpointFile:
    """The authors' TF1 name-based checkpoint: names, shapes and tensors by name."""

    def __init__(self, path):
        import tensorflow as tf

        path = os.fspath(path)
        if os.path.isdir(path):
            latest = tf.train.latest_checkpoint(path)
            if latest is None:
                raise InputError(path, "a folder without a 'checkpoint' file naming a checkpoint; give PATH/model-0")
            path = latest
        index = path + ".index"
        if not os.path.isfile(index):
            what = "a checkpoint's data file; give the prefix PATH/model-0" if ".data-" in path or path.endswith(".index") else "no checkpoint here"
            raise InputError(index if not path.endswith(".index") else path, f"missing ({what})")
        try:
            self.reader = tf.train.load_checkpoint(path)
            self.shapes = {name: tuple(shape) for name, shape in self.reader.get_variable_to_shape_map().items()}
            dtypes = self.reader.get_variable_to_dtype_map()
        except Exception as error:  # DataLossError and friends: not a checkpoint
            raise InputError(index, f"not a readable TensorFlow checkpoint ({reason(error)})") from None
        self.path = path
        self.files = [index] + sorted(
            os.path.join(os.path.dirname(path) or ".", name) for name in os.listdir(os.path.dirname(path) or ".")
            if name.startswith(os.path.basename(path) + ".data-"))
        bad = sorted(name for name, dtype in dtypes.items() if not dtype.is_floating)
        for name in bad:
            if mapping.unused_reason(name) is None and name.startswith(names.ENCODER_SCOPES + ("G_",)):
                raise InputError(path, f"variable {name} is {dtypes[name].name}, not floating point")

    def tensor(self, name: str) -> np.ndarray:
        try:
            return np.asarray(self.reader.get_tensor(name), dtype=np.float32)
        except Exception as error:
            raise InputError(self.files[-1], f"cannot read variable {name} ({reason(error)})") from None


def _check_is_authors(checkpoint: CheckpointFile) -> None:
    required = names.ENCODER_SCOPES + (names.INFERENCE_SYNTHESIS, names.INFERENCE_MAPPING)
    missing = [scope for scope in required if not any(name.startswith(scope) for name in checkpoint.shapes)]
    if missing:
        scopes = sorted({name.split("/")[0] for name in checkpoint.shapes})[:6]
        raise InputError(checkpoint.path, f"not the authors' model: no variables under {', '.join(missing)} "
                                          f"(it has {', '.join(scopes) or 'no variables'})")


def _snapshot_variables(snapshot: Snapshot) -> dict:
    """{global name: value}, named as test.py's graph names the loaded snapshot."""
    out = {}
    for path, scope in names.SNAPSHOT_SCOPES.items():
        network = getattr(snapshot, path[0])
        for component in path[1:]:
            if component not in network.components:
                raise InputError(snapshot.path, f"network {path[0]} has no {component} component")
            network = network.components[component]
        out.update({f"{scope}/{local}": value for local, value in network.variables.items()})
    return out


def _build_models(cfg: ModelConfig) -> dict:
    from ears_tf.models import AudioEncoder, Fusion, Generator, LowResEncoder

    code = (None, cfg.num_styles, cfg.latent_dim)
    models = {
        "generator": Generator(cfg, name="generator"),
        "encoder_lr": LowResEncoder(cfg, name="encoder_lr"),
        "encoder_audio": AudioEncoder(cfg, name="encoder_audio"),
        "fusion": Fusion(cfg, num_layers=variants.F3_FINETUNE.fusion_layers, name="fusion"),
    }
    models["generator"].build(code)
    models["encoder_lr"].build((None, cfg.lr_size, cfg.lr_size, 3))
    models["encoder_audio"].build((None, cfg.audio.num_samples))
    models["fusion"].build(code, code)
    return models


def _our_variables(model) -> dict:
    """{path inside the model: variable}."""
    prefix = model.name + "/"
    return {v.path[len(prefix):] if v.path.startswith(prefix) else v.path: v for v in state_weights(model)}


def _estimate_w_avg(generator, cfg: ModelConfig) -> np.ndarray:
    z = np.random.default_rng(W_AVG_SEED).standard_normal((W_AVG_SAMPLES, cfg.latent_dim)).astype(np.float32)
    w = np.concatenate([np.asarray(generator.mapping(z[i:i + 1024])) for i in range(0, W_AVG_SAMPLES, 1024)])
    return w.mean(axis=0)


def _compare_copies(checkpoint: CheckpointFile, snapshot_values: dict, snapshot_path: str) -> list:
    """Sentences on whether the generator copies in the checkpoint equal the snapshot's networks."""
    notes = []
    pairs = (("G_synthesis_2/", "G_mapping_2/", "Gs", "G_synthesis_1/", "G_mapping_1/",
              "the generator test.py runs (G_*_2)"),
             ("G_synthesis_1/", "G_mapping_1/", "Gs", "G_synthesis_1/", "G_mapping_1/", "the checkpoint's G_*_1"),
             ("G_synthesis/", "G_mapping/", "G", "G_synthesis/", "G_mapping/", "the checkpoint's G_* (unsuffixed)"))
    for ck_syn, ck_map, net, sn_syn, sn_map, what in pairs:
        compared, differ, largest = 0, 0, 0.0
        for name in sorted(checkpoint.shapes):
            for ck_scope, sn_scope in ((ck_syn, sn_syn), (ck_map, sn_map)):
                if name.startswith(ck_scope):
                    other = sn_scope + name[len(ck_scope):]
                    if other in snapshot_values:
                        theirs = snapshot_values[other]
                        ours = checkpoint.tensor(name)
                        compared += 1
                        if ours.shape != theirs.shape or not np.array_equal(ours, theirs):
                            differ += 1
                            if ours.shape == theirs.shape:
                                largest = max(largest, float(np.max(np.abs(ours - theirs))))
        if compared == 0:
            continue
        if differ == 0:
            notes.append(f"{what} equals the snapshot's {net} ({compared} variables)")
        else:
            notes.append(f"{what} differs from the snapshot's {net} in {differ} of {compared} variables "
                         f"(largest difference {largest:.3g})")
    notes.append(f"the generator converted is the checkpoint's {names.INFERENCE_SYNTHESIS.rstrip('/')} and "
                 f"{names.INFERENCE_MAPPING.rstrip('/')}, as the authors' inference runs it; {os.path.basename(snapshot_path)} "
                 "gives only w_avg and the fixed noise images")
    return notes


def convert(checkpoint_path, snapshot_path, workdir, log=print) -> Conversion:
    """Converts the release into a new workdir; InputError for anything that is not the authors' model."""
    from ears_tf.workdir import layout, run_config
    from ears_tf.workdir.atomic import staged_folder, write_json

    started = time.perf_counter()
    workdir = os.fspath(workdir)
    if os.path.exists(workdir) and (not os.path.isdir(workdir) or os.listdir(workdir)):
        raise InputError(workdir, "exists and is not an empty folder; convert into a new workdir")
    checkpoint = CheckpointFile(checkpoint_path)
    _check_is_authors(checkpoint)
    found = widths.infer(checkpoint.shapes, checkpoint.path)
    cfg = found.model
    log(f"checkpoint {checkpoint.path}: {len(checkpoint.shapes)} variables; widths "
        f"{'of the ' + found.preset + ' preset' if found.preset else 'matching no preset'} "
        f"(G {cfg.hr_size}x{cfg.hr_size}, fmap_base {cfg.fmap_base}, fmap_max {cfg.fmap_max}, latent {cfg.latent_dim}; "
        f"E_l {cfg.el_stem_filters}/{list(cfg.el_filters)}; E_a {cfg.ea_filters_base}..{cfg.ea_filters_max}, dense {cfg.ea_dense})")

    snapshot_values, notes = {}, []
    if snapshot_path is not None:
        snapshot = read_snapshot(snapshot_path)
        snapshot_values = _snapshot_variables(snapshot)
        log(f"snapshot {snapshot.path}: networks G, D, Gs ({len(snapshot_values)} variables); no code from it is run")

    models = _build_models(cfg)
    ours = {model: _our_variables(models[model]) for model in mapping.MODELS}
    assignments = mapping.expand(cfg, with_snapshot=snapshot_path is not None)
    assigned, used, table = set(), set(), []
    for item in assignments:
        key = (item.model, item.ours)
        if item.ours not in ours[item.model]:
            raise AssertionError(f"mapping rule names {item.model}/{item.ours}, which the model does not have")
        if key in assigned:
            raise AssertionError(f"mapping assigns {item.model}/{item.ours} twice")
        variable = ours[item.model][item.ours]
        expected = mapping.to_theirs_shape(tuple(variable.shape), item.layout)
        if item.source == mapping.CHECKPOINT:
            file, shape = checkpoint.path, checkpoint.shapes.get(item.theirs)
        else:
            file, shape = snapshot_path, (snapshot_values[item.theirs].shape if item.theirs in snapshot_values else None)
        if shape is None:
            raise InputError(file, f"lacks variable {item.theirs} (for our {item.model}/{item.ours})")
        if tuple(shape) != expected:
            raise InputError(file, f"variable {item.theirs} has shape {list(shape)}; a model with the other "
                                   f"variables' widths needs {list(expected)}")
        value = checkpoint.tensor(item.theirs) if item.source == mapping.CHECKPOINT else snapshot_values[item.theirs]
        variable.assign(mapping.to_ours(value, item.layout))
        assigned.add(key)
        used.add((item.source, item.theirs))
        table.append((f"{item.source}:{item.theirs}", list(shape), f"{item.model}/{item.ours}"))

    not_assigned = [f"{model}/{path}" for model in mapping.MODELS for path in ours[model] if (model, path) not in assigned]
    if snapshot_path is None:
        generator = models["generator"]
        generator.w_avg.assign(_estimate_w_avg(generator, cfg))
        estimated = [p for p in not_assigned if p == "generator/w_avg" or p.endswith("/noise/const_noise")]
        for path in estimated:
            table.append(("(not in the checkpoint)", None, f"{path}: " + (
                f"estimated as the mean of w over {W_AVG_SAMPLES} z ~ N(0, I)" if path.endswith("w_avg")
                else "seeded random noise image (unused by inference: noise is off)")))
        not_assigned = [p for p in not_assigned if p not in estimated]
        notes.append(f"no snapshot given: w_avg estimated from {W_AVG_SAMPLES} samples of the mapping, fixed noise "
                     "images seeded; neither is used by the authors' inference")
    if not_assigned:
        raise AssertionError(f"mapping leaves {', '.join(not_assigned[:5])} unassigned")

    theirs = [(mapping.CHECKPOINT, name, shape) for name, shape in sorted(checkpoint.shapes.items())]
    theirs += [(mapping.SNAPSHOT, name, value.shape) for name, value in sorted(snapshot_values.items())]
    for source, name, shape in theirs:
        if (source, name) in used:
            continue
        why = mapping.unused_reason(name)
        if why is None:
            file = checkpoint.path if source == mapping.CHECKPOINT else snapshot_path
            raise InputError(file, f"unexpected variable {name} {list(shape)}: not part of the authors' model")
        table.append((f"{source}:{name}", list(shape), f"unused: {why}"))

    if snapshot_path is not None:
        notes += _compare_copies(checkpoint, snapshot_values, snapshot_path)

    sources = {os.path.basename(path): _file_record(path) for path in checkpoint.files}
    if snapshot_path is not None:
        sources[os.path.basename(snapshot_path)] = _file_record(snapshot_path)
    parameters = {name: int(sum(np.prod(v.shape) for v in models[name].trainable_weights)) for name in mapping.MODELS}
    converted = {"format": FORMAT, "from": sources, "notes": notes,
                 "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}

    f3, f3_audio = layout.fusion_artefacts(variants.F3_FINETUNE)
    outputs = ((layout.GENERATOR, "generator", "stylegan"), (layout.ENCODER_LR, "encoder_lr", "pretrain_lowres"),
               (layout.ENCODER_AUDIO, "encoder_audio", "pretrain_audio"), (f3, "fusion", f3.stage_dir),
               (f3_audio, "encoder_audio", f3.stage_dir))
    with staged_folder(workdir) as staging:
        for artefact, model, _ in outputs:
            log(f"writing {os.path.join(workdir, artefact.stage_dir, artefact.filename)}")
            os.makedirs(os.path.dirname(artefact.path(staging)), exist_ok=True)
            layout.save_model(models[model], artefact.path(staging))
        for run_name in sorted({run for _, _, run in outputs}):
            layout.write_done(staging, run_name, {"steps": 0, "converted": converted})
        write_json(run_config.config_path(staging), {
            "format": run_config.FORMAT, "preset": found.preset or CUSTOM_PRESET, "model": cfg.to_dict(),
            "overrides": {}, "converted": converted, "versions": run_config.versions(),
            "created": converted["created"], "arguments": sys.argv[1:],
        })
    return Conversion(widths=found, table=table, notes=notes, sources=sources, parameters=parameters,
                      seconds=time.perf_counter() - started)
