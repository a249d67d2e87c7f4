"""The released VoxCeleb2 layout: PART/mp4/idNNNNN/VIDEO_ID/NNNNN.mp4 with PART dev or test,
audio beside it as PART/aac/.../NNNNN.m4a or PART/wav/.../NNNNN.wav (else the mp4's own
audio track), and the optional meta CSV (VoxCeleb2 ID, VGGFace2 ID, Gender, Set).

Importing it loads no TensorFlow, so the command line can check its paths (`check_root`, `check_meta`) at once."""
from __future__ import annotations

import csv
import dataclasses
import os

from ears_tf.errors import InputError

PARTS = ("dev", "test")
AUDIO_FOLDERS = (("aac", ".m4a"), ("wav", ".wav"))
GENDERS = {"f": 0, "female": 0, "m": 1, "male": 1}
META_ID, META_GENDER = "VoxCeleb2 ID", "Gender"


@dataclasses.dataclass(frozen=True)
class Clip:
    speaker: str  # idNNNNN
    video: str  # the YouTube video id
    name: str  # NNNNN
    video_path: str
    audio_path: str  # a separate audio file, or video_path for the mp4's own track

    @property
    def key(self) -> str:
        return f"{self.speaker}/{self.video}/{self.name}"


def _folders(path) -> list:
    return sorted(entry.name for entry in os.scandir(path) if entry.is_dir()) if os.path.isdir(path) else []


def check_root(root) -> None:
    if not os.path.isdir(root):
        raise InputError(root, "no such folder")


def check_meta(path) -> None:
    if not os.path.isfile(path):
        raise InputError(path, "no such meta CSV")


def scan(root) -> list[Clip]:
    """Every clip under `root` (both parts), in a stable order."""
    root = os.fspath(root)
    check_root(root)
    clips = []
    for part in PARTS:
        video_root = os.path.join(root, part, "mp4")
        for speaker in _folders(video_root):
            for video in _folders(os.path.join(video_root, speaker)):
                folder = os.path.join(video_root, speaker, video)
                for filename in sorted(os.listdir(folder)):
                    name, extension = os.path.splitext(filename)
                    if extension.lower() != ".mp4":
                        continue
                    video_path = os.path.join(folder, filename)
                    audio_path = video_path
                    for audio_folder, audio_extension in AUDIO_FOLDERS:
                        candidate = os.path.join(root, part, audio_folder, speaker, video, name + audio_extension)
                        if os.path.isfile(candidate):
                            audio_path = candidate
                            break
                    clips.append(Clip(speaker, video, name, video_path, audio_path))
    if not clips:
        raise InputError(root, "no VoxCeleb2 clips found (expected dev/mp4/idNNNNN/VIDEO_ID/NNNNN.mp4 or test/mp4/...)")
    return clips


def read_meta(path) -> dict:
    """{VoxCeleb2 id: 0 female / 1 male} from the meta CSV; ids it lacks are unknown (-1)."""
    from ears_tf.data.records import GENDER_UNKNOWN  # records loads TensorFlow

    path = os.fspath(path)
    check_meta(path)
    with open(path, encoding="utf-8", newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t") if sample.strip() else csv.excel
        reader = csv.reader(f, dialect)
        header = [column.strip() for column in next(reader, [])]
        if META_ID not in header or META_GENDER not in header:
            raise InputError(path, f"meta CSV needs the columns {META_ID!r} and {META_GENDER!r}, has {header}")
        id_column, gender_column = header.index(META_ID), header.index(META_GENDER)
        genders = {}
        for row in reader:
            if len(row) <= max(id_column, gender_column):
                continue
            genders[row[id_column].strip()] = GENDERS.get(row[gender_column].strip().lower(), GENDER_UNKNOWN)
    return genders
