import logging

import numpy as np
import pytest

from ears_tf.data import pipeline, records
from ears_tf.errors import InputError


def options(**kwargs):
    base = dict(batch_size=4, training=False, drop_remainder=False)
    base.update(kwargs)
    return pipeline.PipelineOptions(**base)


def test_batches_have_the_documented_shapes_and_ranges(smoke_data, smoke_config):
    batch = next(iter(pipeline.make_dataset(smoke_data, "d1", options())))
    hr, lr = smoke_config.model.hr_size, smoke_config.model.lr_size
    assert batch["hr"].shape == (4, hr, hr, 3)
    assert batch["lr"].shape == (4, lr, lr, 3)
    assert batch["waveform"].shape == (4, 64_000)
    for key in ("hr", "lr", "waveform"):
        values = batch[key].numpy()
        assert values.min() >= -1.0 and values.max() <= 1.0, key
    assert set(batch["gender"].numpy()) <= {0, 1}
    assert batch["video"].dtype.name == "string"


def test_each_face_has_one_key_in_every_pipeline(smoke_data):
    """The key is a fingerprint of the stored face: unique per record, the same with or without audio,
    shuffled or not, so that per-face results computed once can be found again."""
    def keys_and_hr(**kwargs):
        found = {}
        for batch in pipeline.make_dataset(smoke_data, "d1", options(**kwargs)):
            found.update(zip(batch["key"].numpy().tolist(), batch["hr"].numpy()))
        return found

    plain = keys_and_hr()
    assert len(plain) == records.Manifest.load(smoke_data).splits["d1"].count
    shuffled = keys_and_hr(with_audio=False, training=True, epochs=1, deterministic=False, seed=3)
    assert sorted(shuffled) == sorted(plain)
    for key, hr in shuffled.items():
        np.testing.assert_array_equal(hr, plain[key])


def test_evaluation_reads_each_record_once(smoke_data):
    manifest = records.Manifest.load(smoke_data)
    videos = []
    for batch in pipeline.make_dataset(smoke_data, "test", options()):
        videos.extend(batch["video"].numpy().tolist())
    assert len(videos) == manifest.splits["test"].count


def test_splits_share_speakers_but_not_videos(smoke_data):
    seen = {}
    for split in records.SPLITS:
        batches = list(pipeline.make_dataset(smoke_data, split, options()))
        seen[split] = (
            set(np.concatenate([b["speaker"].numpy() for b in batches])),
            set(np.concatenate([b["video"].numpy() for b in batches])),
        )
    assert seen["d1"][0] == seen["d2"][0] == seen["test"][0]
    assert not (seen["d1"][1] & seen["d2"][1]) and not (seen["d1"][1] & seen["test"][1])
    assert not (seen["d2"][1] & seen["test"][1])


def test_training_order_repeats_with_the_seed(smoke_data):
    def first_videos(seed):
        ds = pipeline.make_dataset(smoke_data, "d1", options(training=True, seed=seed, drop_remainder=True))
        return [v for batch in ds.take(3) for v in batch["video"].numpy().tolist()]

    assert first_videos(1) == first_videos(1)
    assert first_videos(1) != first_videos(2)


def test_training_repeats_past_one_epoch(smoke_data):
    count = records.Manifest.load(smoke_data).splits["d1"].count
    ds = pipeline.make_dataset(smoke_data, "d1", options(training=True, batch_size=count, drop_remainder=True))
    assert len(list(ds.take(3))) == 3


def test_lr_comes_from_the_authors_downsampling(smoke_data):
    from ears_tf.data import image

    batch = next(iter(pipeline.make_dataset(smoke_data, "d1", options())))
    hr_uint8 = image.to_uint8(batch["hr"])
    np.testing.assert_array_equal(batch["lr"].numpy(), image.make_lr_image(hr_uint8, "authors").numpy())


def test_hr_size_other_than_the_records_is_resized(smoke_data):
    batch = next(iter(pipeline.make_dataset(smoke_data, "d1", options(hr_size=64))))
    assert batch["hr"].shape[1:] == (64, 64, 3) and batch["lr"].shape[1:] == (4, 4, 3)


def test_corrupt_records_are_skipped_counted_and_logged(smoke_data, tmp_path, caplog):
    data = tmp_path / "corrupt"
    data.mkdir()
    for path in smoke_data.iterdir():
        (data / path.name).write_bytes(path.read_bytes())
    manifest = records.Manifest.load(data)
    shard = data / manifest.splits["d1"].shards[0].file
    raw = bytearray(shard.read_bytes())
    # Flip bytes inside the first record's payload: its checksum no longer matches.
    raw[200:210] = bytes(10)
    shard.write_bytes(bytes(raw))
    with caplog.at_level(logging.WARNING, logger="absl"):
        read = sum(len(b["video"]) for b in pipeline.make_dataset(data, "d1", options()))
    total = manifest.splits["d1"].count
    assert 0 < read < total
    assert any(f"skipped {total - read} corrupt or unreadable records" in r.getMessage() for r in caplog.records)


def test_missing_manifest_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no manifest.json"):
        pipeline.make_dataset(tmp_path, "d1", options())


def test_several_splits_read_as_one_and_audio_can_be_dropped(smoke_data):
    manifest = records.Manifest.load(smoke_data)
    batches = list(pipeline.make_dataset(smoke_data, ["d1", "d2"], options(with_audio=False)))
    assert sum(len(b["video"]) for b in batches) == manifest.splits["d1"].count + manifest.splits["d2"].count
    assert "waveform" not in batches[0] and batches[0]["lr"].shape[1:] == (2, 2, 3)
