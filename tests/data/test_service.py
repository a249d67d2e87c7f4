"""`ears_tf.data.service`: tf.data service servers; a stage's batches read through them."""
import tensorflow as tf

from ears_tf import config
from ears_tf.data import service
from ears_tf.train import workers
from ears_tf.train.pretrain_audio import PretrainAudioStage


def test_served_batches_have_the_local_keys_shapes_dtypes_and_ranges(smoke_data, tmp_path):
    # A dispatcher and one worker in this process; the stage's pipeline runs on the worker.

    dispatcher = service.start("dispatcher")
    worker = service.start("worker", dispatcher=dispatcher.target)
    stage = PretrainAudioStage(config.get_preset("smoke"), smoke_data, tmp_path / "unused")
    context = tf.distribute.InputContext(1, 0, 1)
    local = next(iter(workers.worker_dataset(lambda share: stage.dataset(0, share), context, 4, "file")))
    served = next(iter(workers.worker_dataset(lambda share: stage.dataset(0, share), context, 4, "file",
                                              data_service=dispatcher.target, job_name="test")))
    assert set(served) == set(local)
    for key, value in local.items():
        assert (served[key].shape, served[key].dtype) == (value.shape, value.dtype), key
    for key in ("hr", "lr", "waveform"):
        assert -1.0 <= float(tf.reduce_min(served[key])) < float(tf.reduce_max(served[key])) <= 1.0, key
    worker.stop()
    dispatcher.stop()


def test_address_takes_a_target_or_a_host_and_port():
    assert service.address("grpc://localhost:5050") == service.address("localhost:5050") == "localhost:5050"
