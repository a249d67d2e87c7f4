"""`python -m ears_tf.data.service --role=dispatcher|worker --port=PORT [--dispatcher=HOST:PORT]`.

tf.data service servers for training (`python -m ears_tf.train ... --data_service=grpc://HOST:PORT`):
the dispatcher hands out the input pipeline, the workers run it (record decoding,
resampling, the random audio window, the HR resize and the 16x LR reduction) and stream
batches to the trainers. Start one dispatcher, then any number of workers, on any hosts
the trainers can reach; each server runs until it is stopped.
"""
from __future__ import annotations

import signal
import sys
import time

from absl import flags

from ears_tf import cli

ROLES = ("dispatcher", "worker")

flags.DEFINE_enum("role", None, ROLES, "Which server to run.")
flags.DEFINE_integer("port", 0, "Port to serve on (0: any free port, printed at start).", lower_bound=0)
flags.DEFINE_string("dispatcher", None, "--role=worker: the dispatcher's HOST:PORT.")
flags.DEFINE_string("worker_host", "localhost", "--role=worker: the host name trainers reach this worker by.")
flags.mark_flag_as_required("role")
FLAGS = flags.FLAGS

PROTOCOL = "grpc"


def address(target: str) -> str:
    """HOST:PORT from `grpc://HOST:PORT` or `HOST:PORT`."""
    return target.split("://", 1)[1] if "://" in target else target


def start(role: str, port: int = 0, dispatcher: str | None = None, worker_host: str = "localhost"):
    """A started server; its `target` (dispatcher) or `_address` is what clients use."""
    import tensorflow as tf

    service = tf.data.experimental.service
    if role == "dispatcher":
        return service.DispatchServer(service.DispatcherConfig(port=port, protocol=PROTOCOL))
    if not dispatcher:
        from ears_tf.errors import InputError

        raise InputError("--dispatcher", "a worker needs the dispatcher's HOST:PORT")
    return service.WorkerServer(service.WorkerConfig(
        dispatcher_address=address(dispatcher), worker_address=f"{worker_host}:%port%", port=port, protocol=PROTOCOL))


def main(argv):
    del argv
    server = start(FLAGS.role, FLAGS.port, FLAGS.dispatcher, FLAGS.worker_host)
    # WorkerServer has no public address; `_address` is where it bound (with --port=0, a free port).
    where = server.target if FLAGS.role == "dispatcher" else f"{PROTOCOL}://{server._address}"  # noqa: SLF001
    print(f"tf.data service {FLAGS.role} serving at {where}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a plain stop: nothing to clean up
    while True:  # the servers run on their own threads; sleeping here keeps signals deliverable
        time.sleep(3600)


if __name__ == "__main__":
    cli.run(main)
