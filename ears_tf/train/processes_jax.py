"""Several JAX processes training one stage together (`jax.distributed`): one process per host,
or per GPU.

Every process runs the same command with its own `--process_id`; process 0 hosts the
coordination service at `--coordinator_address` and writes the workdir, as worker 0 of a
TensorFlow cluster does (`workers.Role`). The device mesh spans every process's devices: each
process reads its own share of the input and places its slice of each global batch on its own
devices, and the step's all-reduce crosses the processes (NCCL between GPUs, Gloo between CPU
processes). A SIGTERM to any one process (a preemption notice) reaches the others through the
coordination service: all of them checkpoint at the same step and stop.
"""
from __future__ import annotations

import jax
from jax.experimental import multihost_utils

from ears_tf.errors import InputError
from ears_tf.train import workers

BARRIER = "ears_tf"  # every process passes the same name to each barrier


def check_flags(coordinator_address: str | None, num_processes: int, process_id: int) -> None:
    """A one-line error for a cluster that the three flags do not describe."""
    if num_processes > 1 and not coordinator_address:
        raise InputError("--coordinator_address", f"--num_processes={num_processes} needs the HOST:PORT of process "
                                                  "0's coordinator")
    if not 0 <= process_id < num_processes:
        raise InputError("--process_id", f"{process_id} is not one of the {num_processes} processes (0 to "
                                         f"{num_processes - 1})")


def initialize(coordinator_address: str | None, num_processes: int, process_id: int) -> None:
    """Checks the flags and, with several processes, joins this one to the others; before anything
    else asks JAX for its devices."""
    check_flags(coordinator_address, num_processes, process_id)
    if num_processes == 1:
        return
    if "jax_cpu_collectives_implementation" in jax.config.values:
        # CPU processes need Gloo for cross-process collectives (later JAX releases default to it).
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator_address, num_processes=num_processes, process_id=process_id)


def role() -> workers.Role:
    """This process's place among the processes; process 0 is the chief."""
    index, count = jax.process_index(), jax.process_count()
    return workers.Role(task_id=index, index=index, num_workers=count, chief=index == 0)


def barrier() -> None:
    """Returns on every process once all have reached it."""
    if jax.process_count() > 1:
        multihost_utils.sync_global_devices(BARRIER)


def preempted(step: int) -> bool:
    """True on every process at one agreed step once any of them was sent SIGTERM; the processes
    must all call it at every step from the same start."""
    return jax.process_count() > 1 and multihost_utils.reached_preemption_sync_point(step)
