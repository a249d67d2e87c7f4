"""The TFRecord schema of docs/design.md section 4, its writer, its parser and `manifest.json`.

One example per (frame, utterance) pair:
  image    bytes   PNG, HR RGB
  audio    bytes   int16 little-endian PCM at 16 kHz (manifest `audio_encoding` = "pcm16"),
           or float list (manifest `audio_encoding` = "float32")
  speaker  int64   class index into manifest `speakers`
  gender   int64   0 female, 1 male, -1 unknown
  video    bytes   video id
  attr/*   float   any extra attributes (listed in manifest `attributes`)
"""
from __future__ import annotations

import dataclasses
import json
import os

import numpy as np
import tensorflow as tf

from ears_tf.errors import InputError

FORMAT = "ears_tf.records/1"
MANIFEST = "manifest.json"
SPLITS = ("d1", "d2", "test")
AUDIO_ENCODINGS = ("pcm16", "float32")
GENDER_UNKNOWN = -1


@dataclasses.dataclass(frozen=True)
class Record:
    image_png: bytes
    audio: np.ndarray  # int16 or float32 [num_samples]
    speaker: int
    gender: int
    video: str
    attributes: dict = dataclasses.field(default_factory=dict)


def _bytes(value: bytes) -> tf.train.Feature:
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _int(value: int) -> tf.train.Feature:
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))


def serialize(record: Record) -> bytes:
    if record.audio.dtype == np.int16:
        audio = _bytes(record.audio.astype("<i2").tobytes())
    elif record.audio.dtype == np.float32:
        audio = tf.train.Feature(float_list=tf.train.FloatList(value=record.audio.tolist()))
    else:
        raise TypeError(f"audio must be int16 or float32, got {record.audio.dtype}")
    feature = {
        "image": _bytes(record.image_png),
        "audio": audio,
        "speaker": _int(record.speaker),
        "gender": _int(record.gender),
        "video": _bytes(record.video.encode()),
    }
    for name, value in sorted(record.attributes.items()):
        feature[f"attr/{name}"] = tf.train.Feature(float_list=tf.train.FloatList(value=[float(value)]))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def feature_spec(audio_encoding: str, num_samples: int, attributes=()) -> dict:
    if audio_encoding not in AUDIO_ENCODINGS:
        raise ValueError(f"unknown audio encoding {audio_encoding!r}")
    spec = {
        "image": tf.io.FixedLenFeature([], tf.string),
        "audio": (
            tf.io.FixedLenFeature([], tf.string)
            if audio_encoding == "pcm16"
            else tf.io.FixedLenFeature([num_samples], tf.float32)
        ),
        "speaker": tf.io.FixedLenFeature([], tf.int64),
        "gender": tf.io.FixedLenFeature([], tf.int64, default_value=GENDER_UNKNOWN),
        "video": tf.io.FixedLenFeature([], tf.string),
    }
    for name in attributes:
        spec[f"attr/{name}"] = tf.io.FixedLenFeature([], tf.float32, default_value=float("nan"))
    return spec


def decode_audio(audio, audio_encoding: str):
    """The parsed `audio` feature -> float32 [N]."""
    if audio_encoding == "pcm16":
        return tf.cast(tf.io.decode_raw(audio, tf.int16, little_endian=True), tf.float32) / 32768.0
    return audio


@dataclasses.dataclass
class Shard:
    file: str
    count: int
    bytes: int


@dataclasses.dataclass
class SplitInfo:
    count: int
    videos: int
    shards: list

    @classmethod
    def from_json(cls, data: dict) -> "SplitInfo":
        return cls(count=data["count"], videos=data["videos"], shards=[Shard(**s) for s in data["shards"]])


@dataclasses.dataclass
class Manifest:
    """What a records folder holds; checked against its shards before any read."""

    source: str
    preset: str
    seed: int
    image_size: int
    sample_rate: int
    num_samples: int
    audio_encoding: str
    speakers: list  # [{"index": i, "name": str, "gender": g}]
    splits: dict  # split -> SplitInfo
    attributes: list = dataclasses.field(default_factory=list)
    format: str = FORMAT
    preparation: dict = dataclasses.field(default_factory=dict)  # how a real data set was made: counts, failures

    @property
    def num_speakers(self) -> int:
        return len(self.speakers)

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["num_speakers"] = self.num_speakers
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def load(cls, data_dir) -> "Manifest":
        path = os.path.join(os.fspath(data_dir), MANIFEST)
        if not os.path.isfile(path):
            raise InputError(path, "no manifest.json here; is this a records folder made by ears_tf.data?")
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            data.pop("num_speakers", None)
            if data.get("format") != FORMAT:
                raise InputError(path, f"format {data.get('format')!r} is not {FORMAT!r}")
            data["splits"] = {name: SplitInfo.from_json(info) for name, info in data["splits"].items()}
            return cls(**data)
        except InputError:
            raise
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(path, f"malformed manifest ({type(error).__name__}: {error})") from None

    def check_shards(self, data_dir, split: str) -> list:
        """Paths of `split`'s shards; an InputError if one is missing or its size differs."""
        if split not in self.splits:
            raise InputError(
                os.path.join(data_dir, MANIFEST), f"no split {split!r} (has {', '.join(sorted(self.splits))})"
            )
        paths = []
        for shard in self.splits[split].shards:
            path = os.path.join(data_dir, shard.file)
            if not os.path.isfile(path):
                raise InputError(path, "shard listed in manifest.json is missing")
            size = os.path.getsize(path)
            if size != shard.bytes:
                raise InputError(path, f"shard is {size} bytes but manifest.json says {shard.bytes}")
            paths.append(path)
        return paths


class ShardWriter:
    """Writes one split's records into shards of at most `records_per_shard`."""

    def __init__(self, data_dir, split: str, records_per_shard: int):
        self.data_dir = os.fspath(data_dir)
        self.split = split
        self.records_per_shard = records_per_shard
        self.shards: list[Shard] = []
        self._writer = None
        self._videos: set[str] = set()

    def _path(self, index: int) -> str:
        return os.path.join(self.data_dir, f"{self.split}-{index:05d}.tfrecord")

    def write(self, record: Record) -> None:
        if self._writer is None or self.shards[-1].count == self.records_per_shard:
            self._close_current()
            self.shards.append(Shard(file=os.path.basename(self._path(len(self.shards))), count=0, bytes=0))
            self._writer = tf.io.TFRecordWriter(self._path(len(self.shards) - 1))
        self._writer.write(serialize(record))
        self.shards[-1].count += 1
        self._videos.add(record.video)

    def _close_current(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self.shards[-1].bytes = os.path.getsize(self._path(len(self.shards) - 1))

    def close(self) -> SplitInfo:
        self._close_current()
        return SplitInfo(count=sum(s.count for s in self.shards), videos=len(self._videos), shards=self.shards)
