"""The bad-input matrix: every entry point answers a user mistake with exit status 2, one line
on stderr that names the file (or the flag) at fault, and leaves its outputs exactly as they were.

The cases run as real processes, concurrently, once per module; each is its own test.
"""
import concurrent.futures
import dataclasses
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

ENTRY_POINTS = {
    "train": ["-m", "ears_tf.train"], "infer": ["-m", "ears_tf.infer"], "evaluate": ["-m", "ears_tf.evaluate"],
    "export": ["-m", "export"], "synthetic": ["-m", "ears_tf.data.synthetic"],
    "voxceleb": ["-m", "ears_tf.data.voxceleb"], "pairs": ["-m", "ears_tf.data.pairs"],
    "convert": ["-m", "ears_tf.convert"],
}


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    entry: str
    args: tuple
    names: str  # what the one line must contain: the file, folder or flag at fault
    watch: tuple = ()  # folders and files that must be left exactly as they were


def snapshot(paths) -> dict:
    """Every file and folder under `paths` with its size and modification time; absent ones as None."""
    state = {}
    for path in paths:
        path = os.fspath(path)
        if not os.path.lexists(path):
            state[path] = None
            continue
        state[path] = os.stat(path).st_mtime_ns if os.path.isdir(path) else (os.path.getsize(path), os.stat(path).st_mtime_ns)
        for folder, dirs, files in os.walk(path):
            for name in dirs + files:
                full = os.path.join(folder, name)
                state[full] = (os.path.getsize(full), os.stat(full).st_mtime_ns)
    return state


def garbage(path, size=2000, seed=0):
    path.write_bytes(np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes())
    return path


@pytest.fixture(scope="module")
def cases(tmp_path_factory, smoke_data, trained_smoke):
    _, trained, _ = trained_smoke
    root = tmp_path_factory.mktemp("bad_input")
    a_file = root / "a_file.txt"
    a_file.write_text("not a folder")
    through_file = a_file / "sub"
    busy = root / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("mine")
    empty = root / "empty"
    empty.mkdir()
    image = root / "face.png"
    from PIL import Image

    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(image)
    import scipy.io.wavfile

    voice = root / "voice.wav"
    scipy.io.wavfile.write(voice, 16000, (0.1 * np.sin(np.arange(16000) / 10.0)).astype(np.float32))
    not_image = root / "notes.png"
    not_image.write_text("this is text, not a PNG")
    corrupt_wav = garbage(root / "corrupt.wav")

    # A workdir recorded as smoke with nothing trained, one with a truncated config.json, and
    # one whose models are not Keras files.
    smoke_workdir = root / "smoke_workdir"
    smoke_workdir.mkdir()
    (smoke_workdir / "config.json").write_text(json.dumps({"format": "ears_tf.workdir/1", "preset": "smoke"}))
    truncated = root / "truncated_workdir"
    truncated.mkdir()
    (truncated / "config.json").write_text('{"format": "ears_tf.workdir/1", "pre')
    corrupt_models = root / "corrupt_models"
    (corrupt_models / "stylegan").mkdir(parents=True)
    for name in ("generator.keras", "discriminator.keras"):
        garbage(corrupt_models / "stylegan" / name)
    shutil.copy(smoke_workdir / "config.json", corrupt_models / "config.json")
    exported = root / "exported"
    (exported / "ears_tf" / "1").mkdir(parents=True)

    # Records whose shards are all unreadable (same sizes, so the manifest check passes).
    unreadable = root / "unreadable"
    shutil.copytree(smoke_data, unreadable)
    for shard in unreadable.glob("*.tfrecord"):
        garbage(shard, shard.stat().st_size, seed=1)
    # A records folder of another preset, and one with a malformed manifest.
    other_preset = root / "other_preset"
    other_preset.mkdir()
    manifest = json.loads((smoke_data / "manifest.json").read_text())
    (other_preset / "manifest.json").write_text(json.dumps({**manifest, "preset": "quickstart"}))
    bad_manifest = root / "bad_manifest"
    bad_manifest.mkdir()
    (bad_manifest / "manifest.json").write_text("{ not json")
    pairs_root = root / "pairs_without_images"
    (pairs_root / "audio").mkdir(parents=True)

    # A workdir whose generator was converted from the authors' release.
    converted = root / "converted_workdir"
    (converted / "stylegan").mkdir(parents=True)
    shutil.copy(smoke_workdir / "config.json", converted / "config.json")
    (converted / "stylegan" / "done.json").write_text(json.dumps({"steps": 0, "converted": {"from": {}}}))

    # Checkpoints in the authors' format with one thing wrong, and pickles that are not snapshots.
    import pickle

    from tests.convert.authors_format import checkpoint_shapes, write_checkpoint

    from ears_tf.config import get_preset

    mini = dataclasses.replace(get_preset("paper").model, latent_dim=16, fmap_base=256, fmap_max=16,
                               mapping_layers=2, el_stem_filters=4, el_filters=(4, 12, 36), ea_filters_base=4,
                               ea_filters_max=8, ea_dense=64)
    shapes = checkpoint_shapes(mini)
    authors = write_checkpoint(root / "authors", shapes)
    lacking = write_checkpoint(root / "lacking", {k: v for k, v in shapes.items() if k != "AUDIO_VISUAL_FUSER//fully_connected/biases"})
    ours_format = root / "ours_format"
    import tensorflow as tf

    tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).write(str(ours_format / "ckpt"))
    not_checkpoint = root / "garbage_ckpt"
    not_checkpoint.mkdir()
    garbage(not_checkpoint / "model-0.index")
    other_pickle = root / "other.pkl"
    other_pickle.write_bytes(pickle.dumps({"G": 1}))

    data = f"--data={smoke_data}"
    out = root / "out"
    return [
        # python -m ears_tf.train
        Case("train_unknown_stage", "train", ("--stage=nope", data, f"--workdir={out}"), "--stage", (out,)),
        Case("train_unknown_flag", "train", ("--stage=stylegan", "--stpes=3", data, f"--workdir={out}"), "stpes", (out,)),
        Case("train_zero_steps", "train", ("--stage=stylegan", "--steps=0", data, f"--workdir={out}"), "--steps", (out,)),
        Case("train_no_manifest", "train", ("--stage=stylegan", f"--data={empty}", f"--workdir={out}"), str(empty),
             (out, empty)),
        Case("train_workdir_through_a_file", "train", ("--stage=stylegan", data, f"--workdir={through_file}"),
             str(through_file), (a_file,)),
        Case("train_other_preset", "train", ("--stage=encoder_hr", "--preset=quickstart", data,
                                             f"--workdir={smoke_workdir}"), "config.json", (smoke_workdir,)),
        Case("train_truncated_config", "train", ("--stage=stylegan", "--preset=smoke", data, f"--workdir={truncated}"),
             str(truncated / "config.json"), (truncated,)),
        Case("train_unreadable_records", "train", ("--stage=sr_baseline", "--preset=smoke", f"--data={unreadable}",
                                                   f"--workdir={out}", "--jit=false"), str(unreadable), (out, unreadable)),
        Case("train_missing_prerequisite", "train", ("--stage=pretrain_audio", "--preset=smoke", data,
                                                     f"--workdir={smoke_workdir}"),
             str(smoke_workdir / "stylegan" / "generator.keras"), (smoke_workdir,)),
        Case("train_corrupt_prerequisite", "train", ("--stage=encoder_hr", "--preset=smoke", data,
                                                     f"--workdir={corrupt_models}", "--jit=false"),
             str(corrupt_models / "stylegan"), (corrupt_models,)),
        Case("train_a_converted_stage", "train", ("--stage=stylegan", "--preset=smoke", data, f"--workdir={converted}",
                                                  "--jit=false"), str(converted / "stylegan" / "done.json"), (converted,)),
        Case("train_all_into_a_busy_data_folder", "train", ("--stage=all", f"--data={busy}", f"--workdir={out}"),
             str(busy), (busy, out)),
        # python -m ears_tf.infer
        Case("infer_no_workdir", "infer", (f"--workdir={out}", f"--image={image}", f"--audio={voice}",
                                           f"--output={root / 'sr.png'}"), str(out), (out, root / "sr.png")),
        Case("infer_not_an_image", "infer", (f"--workdir={trained}", f"--image={not_image}", f"--audio={voice}",
                                             f"--output={root / 'sr.png'}"), str(not_image), (root / "sr.png", trained)),
        Case("infer_corrupt_audio", "infer", (f"--workdir={trained}", f"--image={image}", f"--audio={corrupt_wav}",
                                              f"--output={root / 'sr.png'}"), str(corrupt_wav), (root / "sr.png",)),
        Case("infer_workdir_without_models", "infer", (f"--workdir={smoke_workdir}", f"--image={image}",
                                                       f"--audio={voice}", f"--output={root / 'sr.png'}"),
             str(smoke_workdir / "stylegan" / "generator.keras"), (root / "sr.png",)),
        Case("infer_bad_variant", "infer", (f"--workdir={smoke_workdir}", f"--image={image}", f"--audio={voice}",
                                            f"--output={root / 'sr.png'}", "--variant=f9"), "--variant", (root / "sr.png",)),
        Case("infer_output_through_a_file", "infer", (f"--workdir={smoke_workdir}", f"--image={image}",
                                                      f"--audio={voice}", f"--output={through_file / 'sr.png'}"),
             str(through_file), (a_file,)),
        Case("infer_missing_audio_folder", "infer", (f"--workdir={trained}", f"--image_dir={root}",
                                                     f"--audio_dir={root / 'no_audio'}", f"--output_dir={out}"),
             str(root / "no_audio"), (out,)),
        Case("infer_truncated_config", "infer", (f"--workdir={truncated}", f"--image={image}", f"--audio={voice}",
                                                 f"--output={root / 'sr.png'}"), str(truncated / "config.json"),
             (root / "sr.png",)),
        # python -m ears_tf.evaluate
        Case("evaluate_no_workdir", "evaluate", (f"--workdir={out}", data, f"--output={root / 'eval'}"), str(out),
             (root / "eval",)),
        Case("evaluate_data_of_another_preset", "evaluate", (f"--workdir={smoke_workdir}", f"--data={other_preset}",
                                                             f"--output={root / 'eval'}"),
             str(other_preset / "manifest.json"), (root / "eval",)),
        Case("evaluate_malformed_manifest", "evaluate", (f"--workdir={smoke_workdir}", f"--data={bad_manifest}",
                                                         f"--output={root / 'eval'}"),
             str(bad_manifest / "manifest.json"), (root / "eval",)),
        Case("evaluate_output_through_a_file", "evaluate", (f"--workdir={smoke_workdir}", data,
                                                            f"--output={through_file}"), str(through_file), (a_file,)),
        Case("evaluate_missing_models", "evaluate", (f"--workdir={smoke_workdir}", data, f"--output={root / 'eval'}"),
             str(smoke_workdir / "stylegan" / "generator.keras"), (root / "eval", smoke_workdir)),
        # python -m export
        Case("export_bad_format", "export", (f"--workdir={smoke_workdir}", "--format=zip", f"--output={out}"), "--format",
             (out,)),
        Case("export_no_workdir", "export", (f"--workdir={out}", "--format=onnx", f"--output={root / 'exp'}"), str(out),
             (root / "exp",)),
        Case("export_output_through_a_file", "export", (f"--workdir={smoke_workdir}", "--format=onnx",
                                                        f"--output={through_file}"), str(through_file), (a_file,)),
        Case("export_version_exists", "export", (f"--workdir={smoke_workdir}", "--format=saved_model",
                                                 f"--output={exported}"), str(exported / "ears_tf" / "1"), (exported,)),
        Case("export_truncated_config", "export", (f"--workdir={truncated}", "--format=onnx", f"--output={out}"),
             str(truncated / "config.json"), (out,)),
        Case("export_missing_models", "export", (f"--workdir={smoke_workdir}", "--format=tflite", f"--output={out}"),
             str(smoke_workdir / "stylegan" / "generator.keras"), (out,)),
        # python -m ears_tf.data.synthetic
        Case("synthetic_one_speaker", "synthetic", (f"--output={out}", "--speakers=1"), "--speakers", (out,)),
        Case("synthetic_busy_output", "synthetic", (f"--output={busy}", "--preset=smoke"), str(busy), (busy,)),
        Case("synthetic_output_through_a_file", "synthetic", (f"--output={through_file}", "--preset=smoke"),
             str(through_file), (a_file,)),
        # python -m ears_tf.data.voxceleb
        Case("voxceleb_no_root", "voxceleb", (f"--root={root / 'no_vox'}", f"--output={out}"), str(root / "no_vox"),
             (out,)),
        Case("voxceleb_zero_fps", "voxceleb", (f"--root={root}", f"--output={out}", "--fps=0"), "--fps", (out,)),
        # python -m ears_tf.data.pairs
        Case("pairs_no_images", "pairs", (f"--root={pairs_root}", f"--output={out}"), str(pairs_root / "images"),
             (out, pairs_root)),
        Case("pairs_busy_output", "pairs", (f"--root={pairs_root}", f"--output={busy}"), str(busy), (busy,)),
        Case("pairs_corrupt_audio_only", "pairs", (f"--root={_pairs_with(root, image, corrupt_wav)}", f"--output={out}"),
             str(root / "pairs_corrupt"), (out,)),
        # python -m ears_tf.convert
        Case("convert_missing_checkpoint", "convert", (f"--checkpoint={root / 'none' / 'model-0'}", f"--workdir={out}"),
             str(root / "none" / "model-0.index"), (out,)),
        Case("convert_not_a_checkpoint", "convert", (f"--checkpoint={not_checkpoint / 'model-0'}", f"--workdir={out}"),
             str(not_checkpoint / "model-0.index"), (out, not_checkpoint)),
        Case("convert_checkpoint_of_another_model", "convert", (f"--checkpoint={ours_format / 'ckpt'}",
                                                                f"--workdir={out}"), str(ours_format / "ckpt"), (out,)),
        Case("convert_missing_variable", "convert", (f"--checkpoint={lacking}", f"--workdir={out}"),
             "AUDIO_VISUAL_FUSER//fully_connected/biases", (out,)),
        Case("convert_pickle_of_another_class", "convert", (f"--checkpoint={authors}", f"--stylegan_pkl={other_pickle}",
                                                            f"--workdir={out}"), str(other_pickle), (out,)),
        Case("convert_not_a_pickle", "convert", (f"--checkpoint={authors}", f"--stylegan_pkl={not_image}",
                                                 f"--workdir={out}"), str(not_image), (out,)),
        Case("convert_into_a_busy_workdir", "convert", (f"--checkpoint={authors}", f"--workdir={busy}"), str(busy),
             (busy,)),
    ]


def _pairs_with(root, image, audio):
    folder = root / "pairs_corrupt"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "audio").mkdir(parents=True, exist_ok=True)
    shutil.copy(image, folder / "images" / "a.png")
    shutil.copy(audio, folder / "audio" / "a.wav")
    return folder


def run_case(case: Case) -> tuple:
    before = snapshot(case.watch)
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # what a user sees
    result = subprocess.run([sys.executable, *ENTRY_POINTS[case.entry], *case.args], capture_output=True, text=True,
                            env=env, timeout=300, stdin=subprocess.DEVNULL)
    return result, before, snapshot(case.watch)


@pytest.fixture(scope="module")
def outcomes(cases):
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip((c.name for c in cases), pool.map(run_case, cases)))


CASE_NAMES = [
    "train_unknown_stage", "train_unknown_flag", "train_zero_steps", "train_no_manifest", "train_workdir_through_a_file",
    "train_other_preset", "train_truncated_config", "train_unreadable_records", "train_missing_prerequisite",
    "train_corrupt_prerequisite", "train_a_converted_stage", "train_all_into_a_busy_data_folder",
    "infer_no_workdir", "infer_not_an_image", "infer_corrupt_audio", "infer_workdir_without_models", "infer_bad_variant", "infer_output_through_a_file",
    "infer_missing_audio_folder", "infer_truncated_config",
    "evaluate_no_workdir", "evaluate_data_of_another_preset", "evaluate_malformed_manifest",
    "evaluate_output_through_a_file", "evaluate_missing_models",
    "export_bad_format", "export_no_workdir", "export_output_through_a_file", "export_version_exists",
    "export_truncated_config", "export_missing_models",
    "synthetic_one_speaker", "synthetic_busy_output", "synthetic_output_through_a_file",
    "voxceleb_no_root", "voxceleb_zero_fps",
    "pairs_no_images", "pairs_busy_output", "pairs_corrupt_audio_only",
    "convert_missing_checkpoint", "convert_not_a_checkpoint", "convert_checkpoint_of_another_model",
    "convert_missing_variable", "convert_pickle_of_another_class", "convert_not_a_pickle", "convert_into_a_busy_workdir",
]


def test_the_matrix_lists_every_case(cases):
    assert [c.name for c in cases] == CASE_NAMES
    assert len(CASE_NAMES) >= 25
    assert {c.entry for c in cases} == set(ENTRY_POINTS)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_is_one_line_exit_2_and_no_output(name, cases, outcomes):
    case = next(c for c in cases if c.name == name)
    result, before, after = outcomes[name]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr[-3000:]
    assert len(lines) == 1, result.stderr[-3000:]
    assert lines[0].startswith("error: "), lines[0]
    assert case.names in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert after == before, f"{name} changed {set(after.items()) ^ set(before.items())}"
