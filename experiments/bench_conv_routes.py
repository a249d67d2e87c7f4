"""Where the fused model's time goes, and which conv route each encoder block should take.

  python experiments/bench_conv_routes.py [--preset=paper] [--batch=8] [--seconds=2] [--encoders=audio,lowres,highres]
      [--train] [--min_weights=N]

Prints, on seeded random weights:
1. the time of each part of the F3 inference model (E_l, E_a, F3, G) at `--batch`;
2. for every conv block of the chosen encoders, the direct conv (`keras.layers.Conv2D`,
   oneDNN on x86) against the same conv as one matmul over gathered patches
   (`layers.patch_conv`), in ms and GFLOP/s, and the route `ConvBlock` takes.
3. with --train: a training step (forward and backward of a mean-square loss) of each
   chosen encoder, with `ConvBlock`'s routes against direct convs everywhere (a copy of
   the encoder with `ModelConfig.conv_route="direct"`).
The float32 matmul rate is measured first, as in the other benchmarks.
"""
import dataclasses

import numpy as np
import tensorflow as tf
from absl import app, flags
from timing import matmul_gflops, timed

import keras

flags.DEFINE_string("preset", "paper", "Model preset.")
flags.DEFINE_integer("batch", 8, "Batch size.")
flags.DEFINE_float("seconds", 2.0, "Timed seconds per measurement, after warm-up.")
flags.DEFINE_list("encoders", ["audio", "lowres"], "Encoders whose blocks to time: audio, lowres, highres.")
flags.DEFINE_integer("min_weights", None, "Override patch_conv.MATMUL_CONV_MIN_WEIGHTS (the library's floor by default).")
flags.DEFINE_bool("train", False, "Also time a training step of each encoder with and without the matmul route.")
FLAGS = flags.FLAGS


def time_ms(fn) -> float:
    function = tf.function(fn, autograph=False)
    function()
    return 1e3 * timed(function, FLAGS.seconds, warmup=1)


def train_step_ms(encoder, x, direct: bool) -> float:
    if direct:
        twin = type(encoder)(dataclasses.replace(encoder.model_config, conv_route="direct"))
        twin.build((None,) + tuple(x.shape[1:]))
        twin.set_weights(encoder.get_weights())
        encoder = twin

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(encoder(x)))
        return tape.gradient(loss, encoder.trainable_variables)

    return time_ms(step)


def main(argv):
    del argv
    from ears_tf import config
    from ears_tf.layers import patch_conv
    from ears_tf.layers.patch_conv import conv_as_matmul
    from ears_tf.models import HighResEncoder, SuperResolver

    if FLAGS.min_weights is not None:  # read when the blocks are built, below
        patch_conv.MATMUL_CONV_MIN_WEIGHTS = FLAGS.min_weights
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    cfg = config.get_preset(FLAGS.preset).model
    peak = matmul_gflops(FLAGS.seconds)
    print(f"float32 matmul (2048^2): {peak:.0f} GFLOP/s; preset {FLAGS.preset}, batch {FLAGS.batch}", flush=True)

    model = SuperResolver(cfg, variant="f3_finetune")
    model.build()
    def images(size):
        return tf.constant(rng.uniform(-1, 1, (FLAGS.batch, size, size, 3)).astype(np.float32))

    lr = images(cfg.lr_size)
    waveform = tf.constant(rng.normal(0, 0.1, (FLAGS.batch, cfg.audio.num_samples)).astype(np.float32))
    inputs = {"audio": waveform, "lowres": lr}  # each encoder's input
    code_lr, code_audio = model.encoder_lr(lr), model.encoder_audio(waveform)
    code = model.fusion(code_lr, code_audio)
    print("\n| part | ms per batch |\n|---|---|")
    for name, fn in (("E_l", lambda: model.encoder_lr(lr)), ("E_a (with its spectrogram)", lambda: model.encoder_audio(waveform)),
                     ("F3", lambda: model.fusion(code_lr, code_audio)),
                     ("G (noise off)", lambda: model.generator(code, noise_mode="off")),
                     ("all (F3 model)", lambda: model(lr, waveform))):
        print(f"| {name} | {time_ms(fn):.0f} |", flush=True)

    encoders = {"audio": model.encoder_audio, "lowres": model.encoder_lr}
    if "highres" in FLAGS.encoders:
        encoders["highres"] = HighResEncoder(cfg)
        encoders["highres"].build((None, cfg.hr_size, cfg.hr_size, 3))
        inputs["highres"] = images(cfg.hr_size)
    print("\n| encoder | block | input | direct conv ms | GFLOP/s | matmul route ms | GFLOP/s | ConvBlock takes |")
    print("|---|---|---|---|---|---|---|---|")
    for name in FLAGS.encoders:
        encoder = encoders[name]
        x = encoder.spectrogram(inputs[name]) if name == "audio" else inputs[name]  # the first block's input
        for block in encoder.blocks:
            kernel = block.conv.kernel
            y = block(x)
            gflop = 2 * np.prod(y.shape[:3]) * np.prod(kernel.shape) / 1e9
            direct = time_ms(lambda x=x, block=block: block.conv(x))
            matmul = time_ms(lambda x=x, block=block: conv_as_matmul(x, block.conv.kernel, block.strides))
            print(f"| {name} | {block.name} | {'x'.join(map(str, x.shape[1:]))} | {direct:.1f} | {gflop / direct * 1e3:.0f} | "
                  f"{matmul:.1f} | {gflop / matmul * 1e3:.0f} | {'matmul' if block.as_matmul else 'direct'} |", flush=True)
            x = y

    if FLAGS.train:
        print("\n| encoder | train step ms, ConvBlock's routes | train step ms, direct convs |\n|---|---|---|")
        for name in FLAGS.encoders:
            encoder, x = encoders[name], inputs[name]
            print(f"| {name} | {train_step_ms(encoder, x, False):.0f} | {train_step_ms(encoder, x, True):.0f} |", flush=True)


if __name__ == "__main__":
    app.run(main)
