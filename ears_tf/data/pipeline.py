"""tf.data pipelines over a records folder: one builder for every split and stage.

Each batch is a dict:
  hr        float32 [B, HR, HR, 3] in [-1, 1]
  lr        float32 [B, r, r, 3]   in [-1, 1], made by `image.make_lr_image`
  waveform  float32 [B, num_samples] at 16 kHz (unless with_audio=False)
  speaker   int64 [B];  gender int64 [B];  video string [B]
  key       int64 [B]: a fingerprint of the record's encoded face, the same in every
            split and pipeline, so that per-face results can be computed once (`train.code_cache`)

A record that cannot be read or decoded is skipped, and at the end of every epoch
the pipeline logs how many were skipped (expected from the manifest minus read). A
training split with no readable record at all is an InputError before any batch.
"""
from __future__ import annotations

import dataclasses

import tensorflow as tf
from absl import logging

from ears_tf.config import AudioConfig
from ears_tf.data import audio as audio_lib
from ears_tf.data import image as image_lib
from ears_tf.data import records
from ears_tf.errors import InputError


@dataclasses.dataclass(frozen=True)
class Share:
    """What one input pipeline of several reads, and how (`ears_tf.train.workers`)."""

    # (count, index): only the index-th of `count` equal shares of the record files, as
    # one worker of `count` reads (tf.distribute's FILE sharding, done here because the file
    # list is drawn per epoch inside the pipeline, where auto-sharding cannot see it).
    files: tuple = (1, 0)
    deterministic: bool = False  # the same batches in the same order on every worker
    report_skips: bool = True  # the per-epoch skip count is a py_function, which tf.data service cannot run


WHOLE = Share()
KEY_BUCKETS = 2**63 - 1  # all of int64's non-negative range: collisions among a dataset's faces are negligible


@dataclasses.dataclass(frozen=True)
class PipelineOptions:
    batch_size: int
    training: bool  # shuffle, repeat forever, random audio windows
    hr_size: int | None = None  # defaults to the records' image size
    lr_mode: str = "authors"
    # The same batches in the same order in every run of a seed, so a seeded run trains the same
    # weights again: tf.data's parallel reads then keep their order (no slower on 2 cores, benchmarks.md).
    deterministic: bool = True
    seed: int = 0
    shuffle_buffer: int = 2048
    drop_remainder: bool = True
    epochs: int | None = None  # None: forever when training, once otherwise
    with_audio: bool = True  # False drops waveforms early (image-only stages)
    share: Share = WHOLE


def _report_epoch(split: str, expected, read, epoch):
    skipped = int(expected) - int(read)
    if skipped > 0 and int(read) > 0:  # nothing read at all is an error of its own, raised by the caller
        logging.warning(
            "%s: epoch %d skipped %d corrupt or unreadable records (%d read of %d)",
            split, int(epoch), skipped, int(read), int(expected),
        )
    return skipped


def _count_and_report(examples, split: str, expected: int, epoch):
    """Passes `examples` through and, after its last element, logs the epoch's skips."""
    sentinel_value = tf.nest.map_structure(
        lambda spec: tf.zeros(spec.shape, spec.dtype) if spec.dtype != tf.string else tf.constant(""),
        examples.element_spec,
    )
    flagged = examples.map(lambda x: (x, False)).concatenate(
        tf.data.Dataset.from_tensors((sentinel_value, True))
    )

    def step(count, item):
        example, is_sentinel = item

        def report():
            tf.py_function(lambda r, e: _report_epoch(split, expected, r, e), [count, epoch], tf.int64)
            return count

        tf.cond(is_sentinel, report, lambda: count)
        return count + 1, item

    return (
        flagged.scan(tf.constant(0, tf.int64), step)
        .filter(lambda example, is_sentinel: tf.logical_not(is_sentinel))
        .map(lambda example, is_sentinel: example)
    )


def image_key(encoded_image):
    """int64 fingerprint(s) of encoded image bytes: the key of a face across splits and pipelines."""
    return tf.strings.to_hash_bucket_fast(encoded_image, KEY_BUCKETS)


def make_dataset(data_dir, split, options: PipelineOptions, audio: AudioConfig = AudioConfig()):
    """Batched examples of `split` (a name, or a list of names read as one) from `data_dir`.

    Raises InputError before reading anything if the manifest is missing or a shard
    is missing or differs from the manifest.
    """
    manifest = records.Manifest.load(data_dir)
    splits = [split] if isinstance(split, str) else list(split)
    paths = [path for name in splits for path in manifest.check_shards(data_dir, name)]
    counts = [shard.count for name in splits for shard in manifest.splits[name].shards]
    split = "+".join(splits)
    shards, shard_index = options.share.files
    deterministic = options.deterministic or options.share.deterministic
    if shards > 1:
        if len(paths) < shards:
            raise InputError(data_dir, f"split {split} has {len(paths)} record files for {shards} workers; file sharding "
                                       "needs one per worker at least: write smaller shards (records_per_shard) "
                                       "or use --input_sharding=batch")
        # A fixed share per worker, reshuffled among itself every epoch: disjoint across workers.
        paths, counts = paths[shard_index::shards], counts[shard_index::shards]
    expected = sum(counts)
    spec = records.feature_spec(manifest.audio_encoding, manifest.num_samples)
    image_size = manifest.image_size
    hr_size = options.hr_size or image_size
    resample = manifest.sample_rate != audio.sample_rate
    autotune = tf.data.AUTOTUNE

    def decode(index, serialized, epoch):
        features = tf.io.parse_single_example(serialized, spec)
        hr = tf.io.decode_png(features["image"], channels=3)
        hr = tf.ensure_shape(hr, [image_size, image_size, 3])
        example = {"hr": hr, "speaker": features["speaker"], "gender": features["gender"], "video": features["video"],
                   "key": image_key(features["image"])}
        if not options.with_audio:
            return example
        waveform = records.decode_audio(features["audio"], manifest.audio_encoding)
        if resample:
            waveform = audio_lib.resample(waveform, manifest.sample_rate, audio.sample_rate)
        if options.training:
            seed = tf.stack([tf.cast(options.seed, tf.int64) + epoch, index])
            waveform = audio_lib.fit_length(waveform, audio.num_samples, mode="random", seed=seed)
        else:
            waveform = audio_lib.fit_length(waveform, audio.num_samples, mode="centre")
        example["waveform"] = waveform
        return example

    def one_epoch(epoch):
        ordered = tf.constant(paths)
        if options.training:
            ordered = tf.random.experimental.stateless_shuffle(ordered, seed=tf.stack([tf.cast(options.seed, tf.int64), epoch]))
        files = tf.data.Dataset.from_tensor_slices(ordered)
        serialized = files.interleave(
            tf.data.TFRecordDataset,
            cycle_length=min(len(paths), 4),
            num_parallel_calls=autotune,
            deterministic=deterministic,
        )
        examples = serialized.enumerate().map(
            lambda index, record: decode(index, record, epoch),
            num_parallel_calls=autotune,
            deterministic=deterministic,
        ).ignore_errors()
        return _count_and_report(examples, split, expected, epoch) if options.share.report_skips else examples

    if options.training and next(iter(one_epoch(tf.constant(0, tf.int64)).take(1)), None) is None:
        # An endless pass over a split with nothing readable would wait forever for a batch.
        raise InputError(data_dir, f"none of the {expected} records of split {split} could be read "
                                   "(corrupt or truncated shards); regenerate or re-prepare the data")
    epochs = options.epochs if options.epochs is not None else (-1 if options.training else 1)
    dataset = tf.data.Dataset.range(epochs if epochs > 0 else tf.int64.max).flat_map(one_epoch)
    if options.training:
        # One streaming buffer over all epochs: deterministic for a seed, never the same order twice.
        dataset = dataset.shuffle(options.shuffle_buffer, seed=options.seed)
    dataset = dataset.batch(options.batch_size, drop_remainder=options.drop_remainder)

    def finish(batch):
        hr = batch["hr"]
        if hr_size != image_size:
            hr = image_lib.resize_uint8(hr, hr_size)
        batch["lr"] = image_lib.make_lr_image(hr, options.lr_mode)
        batch["hr"] = image_lib.to_unit_range(hr)
        return batch

    dataset = dataset.map(finish, num_parallel_calls=autotune, deterministic=deterministic)
    tf_options = tf.data.Options()
    tf_options.deterministic = deterministic
    return dataset.with_options(tf_options).prefetch(autotune)
