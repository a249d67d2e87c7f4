import json

import numpy as np
import pytest
import tensorflow as tf

from ears_tf.data import records
from ears_tf.errors import InputError


def test_serialize_and_parse_round_trip():
    audio = (np.arange(100) - 50).astype(np.int16)
    record = records.Record(b"png-bytes", audio, speaker=3, gender=1, video="v1", attributes={"age": 0.5})
    spec = records.feature_spec("pcm16", 100, attributes=["age"])
    parsed = tf.io.parse_single_example(records.serialize(record), spec)
    assert parsed["image"].numpy() == b"png-bytes"
    np.testing.assert_allclose(records.decode_audio(parsed["audio"], "pcm16").numpy(), audio / 32768.0)
    assert (parsed["speaker"].numpy(), parsed["gender"].numpy(), parsed["video"].numpy()) == (3, 1, b"v1")
    assert parsed["attr/age"].numpy() == pytest.approx(0.5)


def test_float_audio_and_unknown_gender():
    audio = np.linspace(-1, 1, 16).astype(np.float32)
    serialized = records.serialize(records.Record(b"x", audio, speaker=0, gender=records.GENDER_UNKNOWN, video="v"))
    parsed = tf.io.parse_single_example(serialized, records.feature_spec("float32", 16))
    np.testing.assert_allclose(records.decode_audio(parsed["audio"], "float32").numpy(), audio)
    assert parsed["gender"].numpy() == -1


def test_manifest_matches_the_written_shards(smoke_data, smoke_config):
    manifest = records.Manifest.load(smoke_data)
    data = smoke_config.data
    assert manifest.num_speakers == data.speakers
    assert manifest.image_size == smoke_config.model.hr_size
    per_video = data.frames_per_video
    assert manifest.splits["d1"].count == data.speakers * data.videos_d1 * per_video
    assert manifest.splits["test"].videos == data.speakers * data.videos_test
    for split in records.SPLITS:
        paths = manifest.check_shards(smoke_data, split)
        counted = sum(1 for path in paths for _ in tf.data.TFRecordDataset(path))
        assert counted == manifest.splits[split].count
        assert all(s.count <= data.records_per_shard for s in manifest.splits[split].shards)


def _copy(src, dst):
    dst.mkdir()
    for path in src.iterdir():
        (dst / path.name).write_bytes(path.read_bytes())
    return dst


def test_missing_shard_and_size_mismatch_are_errors(smoke_data, tmp_path):
    data = _copy(smoke_data, tmp_path / "copy")
    manifest = records.Manifest.load(data)
    first = data / manifest.splits["d1"].shards[0].file
    first.write_bytes(first.read_bytes()[:-10])
    with pytest.raises(InputError, match="bytes but manifest.json says") as error:
        manifest.check_shards(data, "d1")
    assert str(first) in str(error.value)
    first.unlink()
    with pytest.raises(InputError, match="missing"):
        manifest.check_shards(data, "d1")
    with pytest.raises(InputError, match="no split 'train'"):
        manifest.check_shards(data, "train")


def test_bad_manifests(tmp_path):
    with pytest.raises(InputError, match="no manifest.json"):
        records.Manifest.load(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(InputError, match="malformed manifest"):
        records.Manifest.load(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(InputError, match="is not 'ears_tf.records/1'"):
        records.Manifest.load(tmp_path)
