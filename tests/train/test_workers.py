"""`ears_tf.train.workers`: each worker's role, checkpoint folder, input share and batch."""
import pytest
import tensorflow as tf

from ears_tf.data import pipeline
from ears_tf.errors import InputError
from ears_tf.train import workers


def test_file_sharding_needs_a_record_file_per_worker(smoke_data):
    options = pipeline.PipelineOptions(batch_size=2, training=True, share=pipeline.Share(files=(3, 0)))
    with pytest.raises(InputError, match=r"split test has 2 record files for 3 workers"):
        pipeline.make_dataset(smoke_data, "test", options)
    # Two workers: each reads its own file, and together they read every record once.
    videos = []
    for index in range(2):
        options = pipeline.PipelineOptions(batch_size=1, training=False, deterministic=True,
                                           share=pipeline.Share(files=(2, index)))
        videos.append([v for batch in pipeline.make_dataset(smoke_data, "test", options) for v in batch["video"].numpy()])
    everything = pipeline.PipelineOptions(batch_size=1, training=False, deterministic=True)
    assert sorted(videos[0] + videos[1]) == sorted(
        v for batch in pipeline.make_dataset(smoke_data, "test", everything) for v in batch["video"].numpy())
    assert videos[0] and videos[1]


def test_the_global_batch_must_split_over_the_replicas():
    assert workers.per_replica_batch(8, 2) == 4
    with pytest.raises(InputError, match="the global batch 6 does not split over 4 replicas"):
        workers.per_replica_batch(6, 4)


class _Strategy:
    """What `Role.of` reads of a strategy: its cluster resolver."""

    def __init__(self, cluster: dict, task_type: str, task_id: int):
        self.cluster_resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
            tf.train.ClusterSpec(cluster), task_type=task_type, task_id=task_id)


@pytest.mark.parametrize("cluster, task, expected", [
    ({"worker": ["a:1", "b:1"]}, ("worker", 0), (0, 2, True)),
    ({"worker": ["a:1", "b:1"]}, ("worker", 1), (1, 2, False)),
    ({"chief": ["c:1"], "worker": ["a:1", "b:1"]}, ("chief", 0), (0, 3, True)),
    ({"chief": ["c:1"], "worker": ["a:1", "b:1"]}, ("worker", 0), (1, 3, False)),
])
def test_the_chief_is_worker_0_or_the_chief_task(cluster, task, expected, tmp_path):
    role = workers.Role.of(_Strategy(cluster, *task))
    assert (role.index, role.num_workers, role.chief) == expected
    chief_dir = str(tmp_path / "stylegan" / "checkpoints")
    written = role.checkpoint_dir(chief_dir)
    assert (written == chief_dir) == role.chief
    if not role.chief:  # beside the chief's, in the folder PreemptionCheckpointHandler uses
        assert written == str(tmp_path / "stylegan" / f"workertemp_{task[1]}" / "checkpoints")
    assert workers.Role.of(tf.distribute.get_strategy()) == workers.Role(0, 0, 1, True)
