"""Run by tests/backends/test_parity.py under a chosen KERAS_BACKEND.

  python tests/backends/parity_worker.py DIR save        builds the smoke-width models with seeded
                                                         weights, writes DIR/NAME_<backend>.keras and
                                                         their outputs
  python tests/backends/parity_worker.py DIR load        loads the other backend's files, writes their outputs
  python tests/backends/parity_worker.py DIR save,load   both, in one process

Outputs go to DIR/outputs_<backend>_<mode>.npz; the inputs are DIR/inputs.npz.
"""
import os
import sys

import numpy as np

import keras

from ears_tf import config, models

NAMES = ("super_resolver", "generator", "discriminator", "encoder_hr", "encoder_lr", "encoder_audio")


def make_inputs(cfg) -> dict:
    rng = np.random.default_rng(0)
    return {
        "lr": rng.uniform(-1, 1, (4, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32),
        "hr": rng.uniform(-1, 1, (4, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32),
        "wave": rng.normal(0, 0.1, (4, cfg.audio.num_samples)).astype(np.float32),
        "z": rng.normal(size=(4, cfg.num_styles, cfg.latent_dim)).astype(np.float32),
    }


def build(name: str, cfg):
    keras.utils.set_random_seed(1)
    shapes = {"generator": (None, cfg.num_styles, cfg.latent_dim), "discriminator": (None, cfg.hr_size, cfg.hr_size, 3),
              "encoder_hr": (None, cfg.hr_size, cfg.hr_size, 3), "encoder_lr": (None, cfg.lr_size, cfg.lr_size, 3),
              "encoder_audio": (None, cfg.audio.num_samples)}
    model = {"super_resolver": lambda: models.SuperResolver(cfg, variant="f3_finetune"),
             "generator": lambda: models.Generator(cfg), "discriminator": lambda: models.Discriminator(cfg),
             "encoder_hr": lambda: models.HighResEncoder(cfg), "encoder_lr": lambda: models.LowResEncoder(cfg),
             "encoder_audio": lambda: models.AudioEncoder(cfg)}[name]()
    model.build(*([shapes[name]] if name in shapes else []))
    # F starts at zero; random weights make the fused output depend on the audio too.
    rng = np.random.default_rng(2)
    model.set_weights([rng.normal(0, 0.05, w.shape).astype(np.float32) if "fusion" in w.path and len(w.shape) > 1
                       else keras.ops.convert_to_numpy(w) for w in model.weights])
    return model


def outputs(name: str, model, x: dict) -> np.ndarray:
    result = {"super_resolver": lambda: model(x["lr"], x["wave"]),
              "generator": lambda: model(x["z"], noise_mode="const"),
              "discriminator": lambda: model(x["hr"]), "encoder_hr": lambda: model(x["hr"]),
              "encoder_lr": lambda: model(x["lr"]), "encoder_audio": lambda: model(x["wave"])}[name]()
    return np.asarray(keras.ops.convert_to_numpy(result))


def main(folder: str, mode: str) -> None:
    cfg = config.get_preset("smoke").model
    inputs_path = os.path.join(folder, "inputs.npz")
    if not os.path.exists(inputs_path):
        np.savez(inputs_path, **make_inputs(cfg))
    x = dict(np.load(inputs_path))
    backend = keras.backend.backend()
    other = "jax" if backend == "tensorflow" else "tensorflow"
    results = {}
    for name in NAMES:
        if mode == "save":
            model = build(name, cfg)
            model.save(os.path.join(folder, f"{name}_{backend}.keras"))
        else:
            model = keras.saving.load_model(os.path.join(folder, f"{name}_{other}.keras"))
        results[name] = outputs(name, model, x)
    np.savez(os.path.join(folder, f"outputs_{backend}_{mode}.npz"), **results)


if __name__ == "__main__":
    for step in sys.argv[2].split(","):
        main(sys.argv[1], step)
