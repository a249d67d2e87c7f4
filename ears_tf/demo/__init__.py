"""The demo page: `python -m ears_tf.demo --workdir=W` (needs the `demo` extra: `pip install -e ".[demo]"`).

`runner.DemoRunner` computes a request, `app.build` lays out the page, `examples` writes
test-split pairs of synthetic training data as clickable examples.
"""
