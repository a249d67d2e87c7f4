"""`python -m ears_tf.train.launch --workers=N [--data_service_workers=M] -- STAGE FLAGS`.

Runs a multi-worker training on this host: N processes of `python -m ears_tf.train
--strategy=multi_worker STAGE FLAGS`, each with its own `TF_CONFIG` on free loopback
ports (task i of N; task 0 is the chief), and with M > 0 a tf.data service (one
dispatcher, M workers) that every trainer reads through `--data_service`. Under
`--backend=jax` (or KERAS_BACKEND=jax) the N processes are JAX's instead: `--num_processes=N
--process_id=i` and process 0's coordinator on a free loopback port. Each line a
process prints is prefixed with its task. When one process fails the others are
stopped, and the launcher exits with the failing status; SIGTERM to the launcher is
passed to every trainer (they checkpoint together and stop; the same command resumes).
For several hosts, give each host its own `TF_CONFIG` (or JAX's three flags) instead
(docs/distributed.md).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from absl import app, flags

from ears_tf import cli

flags.DEFINE_integer("workers", 2, "Training processes.", lower_bound=1)
flags.DEFINE_integer("data_service_workers", 0, "tf.data service workers (0: each trainer reads its own input).",
                     lower_bound=0)
flags.DEFINE_float("grace_s", 20.0, "Seconds the other processes get to stop after one fails, before they are killed.",
                   lower_bound=0.0)
FLAGS = flags.FLAGS

HOST = "localhost"
INTERRUPTED = 130  # a trainer's status after a SIGINT or SIGTERM and its checkpoint
_PRINT = threading.Lock()  # one echoed line at a time, never two run together


def free_ports(count: int) -> list:
    """Ports free on loopback now (held open together, so they differ)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(addresses: list, index: int) -> str:
    return json.dumps({"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}})


class Process:
    """A child whose output lines are echoed with a prefix."""

    def __init__(self, label: str, command: list, env: dict):
        self.label = label
        self.popen = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                      bufsize=1)
        print(f"[launch] {label}: pid {self.popen.pid}", flush=True)
        self.ready = threading.Event()
        self._echo = threading.Thread(target=self._forward, daemon=True)
        self._echo.start()

    def _forward(self):
        for line in self.popen.stdout:
            if "serving at" in line:
                self.ready.set()
            with _PRINT:
                print(f"[{self.label}] {line.rstrip()}", flush=True)

    def stop(self, sig=signal.SIGTERM):
        if self.popen.poll() is None:
            self.popen.send_signal(sig)

    def finish(self):
        self.popen.wait()
        self._echo.join(timeout=5)
        return self.popen.returncode


def start_service(workers: int, env: dict) -> tuple:
    """(dispatcher address, [processes])."""
    dispatcher_port, *worker_ports = free_ports(1 + workers)
    command = [sys.executable, "-m", "ears_tf.data.service"]
    processes = [Process("data dispatcher", [*command, "--role=dispatcher", f"--port={dispatcher_port}"], env)]
    processes[0].ready.wait(timeout=60)
    for i, port in enumerate(worker_ports):
        processes.append(Process(f"data worker {i}", [*command, "--role=worker", f"--port={port}",
                                                      f"--dispatcher={HOST}:{dispatcher_port}"], env))
    for process in processes[1:]:
        process.ready.wait(timeout=60)
    return f"grpc://{HOST}:{dispatcher_port}", processes


def run(stage_flags: list, jax: bool = False) -> int:
    """Starts the trainers (JAX's processes with `jax`, else a TF cluster); returns the launch's status."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("TF_CONFIG", None)
    services = []
    if FLAGS.data_service_workers:
        target, services = start_service(FLAGS.data_service_workers, env)
        stage_flags = [*stage_flags, f"--data_service={target}"]
    command = [sys.executable, "-m", "ears_tf.train", *stage_flags]
    if jax:
        coordinator = f"{HOST}:{free_ports(1)[0]}"
        trainers = [Process(f"worker {i}", [*command, f"--coordinator_address={coordinator}",
                                            f"--num_processes={FLAGS.workers}", f"--process_id={i}"], env)
                    for i in range(FLAGS.workers)]
    else:
        addresses = [f"{HOST}:{port}" for port in free_ports(FLAGS.workers)]
        trainers = [Process(f"worker {i}", [*command, "--strategy=multi_worker"],
                            dict(env, TF_CONFIG=tf_config(addresses, i))) for i in range(FLAGS.workers)]
    signal.signal(signal.SIGTERM, lambda *_: [t.stop() for t in trainers])
    status, failed_at = 0, None
    while any(t.popen.poll() is None for t in trainers):
        failed = [t for t in trainers if t.popen.poll() not in (None, 0)]
        if failed and failed_at is None:
            status, failed_at = failed[0].popen.returncode, time.monotonic()
            if status == INTERRUPTED:  # checkpointed at a step the others agreed to: they stop there themselves
                print(f"[launch] {failed[0].label} stopped after its checkpoint; waiting for the others", flush=True)
            else:
                print(f"[launch] {failed[0].label} exited with status {status}; stopping the others", flush=True)
                for trainer in trainers:
                    trainer.stop()
        if failed_at is not None and time.monotonic() - failed_at > FLAGS.grace_s:
            for trainer in trainers:
                trainer.stop(signal.SIGKILL)
        time.sleep(0.2)
    codes = [t.finish() for t in trainers]
    status = status or next((code for code in codes if code), 0)
    for service in services:
        service.stop()
        service.finish()
    print(f"[launch] exit statuses: {', '.join(f'{t.label} {c}' for t, c in zip(trainers, codes))}", flush=True)
    return status


def main(argv):
    stage_flags = argv[1:]
    jax = cli.select_backend(["launch", *stage_flags]) == "jax"
    owned = ("--coordinator_address", "--num_processes", "--process_id") if jax else ("--strategy",)
    if any(arg.startswith(owned) for arg in stage_flags):
        raise app.UsageError(f"the launcher sets {', '.join(owned)}; leave {'it' if len(owned) == 1 else 'them'} "
                             "out of the stage flags")
    if jax and FLAGS.data_service_workers:
        raise app.UsageError("--data_service_workers: the tf.data service feeds TensorFlow's trainers; under JAX "
                             "each process reads its own input")
    sys.exit(run(stage_flags, jax))


if __name__ == "__main__":
    cli.run(main)
