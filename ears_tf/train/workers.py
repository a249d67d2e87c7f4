"""Who writes what in a multi-worker run, and what each worker reads.

Under `MultiWorkerMirroredStrategy` every worker runs the same program. As the
tf.distribute multi-worker guide prescribes, only the chief writes the workdir's
artefacts (models, samples, logs, done markers, the chief's checkpoints); the others
save their checkpoints into a temporary folder of their own and delete it after each
save, and every worker restores from the chief's checkpoints.

Input: each worker builds its own pipeline (`strategy.distribute_datasets_from_function`)
and reads either a disjoint share of the record files (`file`, the default: reading
scales with the workers) or every file in one deterministic order, keeping its
replicas' slices of each global batch (`batch`: the same global batches as one worker
reading alone, at the cost of every worker reading everything).
"""
from __future__ import annotations

import dataclasses
import os
import shutil

import tensorflow as tf

from ears_tf.data import pipeline
from ears_tf.errors import InputError

INPUT_SHARDINGS = ("file", "batch")
# WORKDIR/STAGE/workertemp_N/: a non-chief's checkpoints, deleted after each save; the name
# PreemptionCheckpointHandler gives the same folder.
WORKER_FOLDER = "workertemp_{}"


@dataclasses.dataclass(frozen=True)
class Role:
    """This process's place in the cluster."""

    task_id: int  # within its task type, as TF_CONFIG numbers it
    index: int  # this worker's input pipeline: the chief first, then the workers
    num_workers: int
    chief: bool

    @classmethod
    def of(cls, strategy: tf.distribute.Strategy | None) -> "Role":
        """The role under `strategy`; None: under JAX, among its processes."""
        if strategy is None:
            from ears_tf.train import processes_jax

            return processes_jax.role()
        resolver = getattr(strategy, "cluster_resolver", None)
        jobs = resolver.cluster_spec().as_dict() if resolver is not None else {}
        if not jobs:  # one process: default, mirrored, or multi-worker without TF_CONFIG
            return cls(task_id=0, index=0, num_workers=1, chief=True)
        task_type, task_id = resolver.task_type, int(resolver.task_id or 0)
        num_workers = sum(len(tasks) for name, tasks in jobs.items() if name in ("chief", "worker"))
        # The guide's rule: the "chief" task if the cluster has one, else worker 0.
        chief = task_type == "chief" or (task_type == "worker" and task_id == 0 and "chief" not in jobs)
        index = task_id + (1 if "chief" in jobs and task_type == "worker" else 0)  # chief first
        return cls(task_id=task_id, index=index, num_workers=num_workers, chief=chief)

    def checkpoint_dir(self, chief_dir: str) -> str:
        """Where this worker writes its checkpoints: the chief's folder, or a temporary one beside it."""
        if self.chief:
            return chief_dir
        return os.path.join(os.path.dirname(chief_dir), WORKER_FOLDER.format(self.task_id), os.path.basename(chief_dir))

    def discard(self, chief_dir: str) -> None:
        """A non-chief's checkpoints are only its part of a collective save: remove them."""
        if not self.chief:
            shutil.rmtree(os.path.dirname(self.checkpoint_dir(chief_dir)), ignore_errors=True)


def barrier(strategy: tf.distribute.Strategy | None) -> None:
    """Returns on every worker once all have reached it: a collective sum of ones (None: JAX's
    processes). The workers wait here for the chief's writes (a stage's models, the data) before
    reading them."""
    if strategy is None:
        from ears_tf.train import processes_jax

        processes_jax.barrier()
    elif Role.of(strategy).num_workers > 1:
        @tf.function(autograph=False)
        def count():
            return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(tf.ones, args=([],)), axis=None)

        count().numpy()  # blocks until every replica has added its one


def per_replica_batch(global_batch: int, replicas: int) -> int:
    if global_batch % replicas:
        raise InputError("--batch_size", f"the global batch {global_batch} does not split over {replicas} replicas "
                                         "in sync; use a multiple of the replica count")
    return global_batch // replicas


def worker_dataset(make, context: tf.distribute.InputContext, global_batch: int, sharding: str,
                   data_service: str | None = None, job_name: str = "ears_tf") -> tf.data.Dataset:
    """This worker's per-replica batches, from `make(share)` -> a dataset batched at
    `global_batch`; consecutive batches go to this worker's replicas in turn.

    With `data_service` (grpc://HOST:PORT) the pipeline runs on tf.data service workers;
    the trainers of one job share its batches, each batch read by one of them, and the
    service splits the epochs among its workers, so each epoch's examples are seen once."""
    if sharding not in INPUT_SHARDINGS:
        raise ValueError(f"input sharding must be one of {', '.join(INPUT_SHARDINGS)}, got {sharding!r}")
    replicas, pipelines, index = context.num_replicas_in_sync, context.num_input_pipelines, context.input_pipeline_id
    batch = per_replica_batch(global_batch, replicas)
    if data_service:
        served = make(pipeline.Share(report_skips=False)).apply(tf.data.experimental.service.distribute(
            processing_mode=tf.data.experimental.service.ShardingPolicy.DYNAMIC, service=data_service,
            job_name=job_name))
        return served.rebatch(batch)
    if sharding == "file":
        # [B] from this worker's files -> [b] batches; the worker takes `replicas / pipelines` per step.
        return make(pipeline.Share(files=(pipelines, index))).rebatch(batch)
    local = replicas // pipelines
    # Every worker cuts the same global batches into `replicas` slices [b] and keeps its own.
    sliced = make(pipeline.Share(deterministic=True)).rebatch(batch).enumerate()
    mine = sliced.filter(lambda k, _: (k % replicas) // local == index)
    return mine.map(lambda _, element: element)
