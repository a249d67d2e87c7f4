"""The workdir contract: the one place that knows a workdir's layout and how it is written.

- `layout`: each stage's artefacts and done marker, loading and atomic model saves;
- `run_config`: WORKDIR/config.json (preset, overrides, versions) and the preset check;
- `atomic`: the atomic-write helper every model, report, figure and JSON goes through.

Training, evaluation, inference, export and the data tools read and write workdirs only
through this package. The contract between the parts is written down in docs/design.md.
"""
from ears_tf.workdir import atomic, layout, run_config

__all__ = ["atomic", "layout", "run_config"]
