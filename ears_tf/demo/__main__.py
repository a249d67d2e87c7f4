"""`python -m ears_tf.demo --workdir=W [--host=127.0.0.1] [--port=7860] [--variant=f3_finetune]`.

Serves a page where a face and a voice go in and the super-resolved face comes out, beside
bicubic 16x and E_l alone (and, with a second voice, the voice-mixing strip). The models are
loaded once at start. A workdir without the needed stages still serves the page, which says
what is missing.
"""
from __future__ import annotations

import os
import sys
import tempfile

from absl import app, flags

from ears_tf import cli
from ears_tf.errors import InputError
from ears_tf.variants import DEFAULT, FUSED_NAMES

flags.DEFINE_string("workdir", None, "A trained (or converted) workdir.")
flags.DEFINE_string("host", "127.0.0.1", "Address to listen on (0.0.0.0 for every interface).")
flags.DEFINE_integer("port", 7860, "Port to listen on.", lower_bound=1, upper_bound=65535)
flags.DEFINE_enum("variant", DEFAULT.name, FUSED_NAMES, "The fused model to serve.")
flags.DEFINE_integer("examples", 4, "Test-split pairs offered as examples (synthetic training data only).", lower_bound=0)
flags.mark_flag_as_required("workdir")
FLAGS = flags.FLAGS


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    if not os.path.isdir(FLAGS.workdir):
        raise InputError(FLAGS.workdir, "no such workdir")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls out of this machine
    from ears_tf.demo import app as page
    from ears_tf.demo.examples import write_examples
    from ears_tf.demo.runner import DemoRunner
    from ears_tf.workdir import run_config

    run_config.check(FLAGS.workdir)
    runner, problem = None, None
    try:
        runner = DemoRunner(FLAGS.workdir, FLAGS.variant)
    except InputError as error:
        problem = page._message(error)
        print(f"warning: {problem}; the page will say so", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="ears_tf-demo-") as scratch:
        examples = write_examples(FLAGS.workdir, scratch, FLAGS.examples) if runner and FLAGS.examples else []
        server = page.build(runner, problem, examples)
        print(f"serving {FLAGS.workdir} on http://{FLAGS.host}:{FLAGS.port} (Ctrl-C to stop)", flush=True)
        server.queue().launch(server_name=FLAGS.host, server_port=FLAGS.port, share=False, show_error=True,
                              quiet=True, allowed_paths=[scratch], footer_links=[], css=page.CSS)


if __name__ == "__main__":
    cli.run(main)
