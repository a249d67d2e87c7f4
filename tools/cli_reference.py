"""Writes docs/cli.md, the flag reference of every entry point, from their absl flag definitions.

    python tools/cli_reference.py            # rewrite docs/cli.md
    python tools/cli_reference.py --check    # exit 1 if docs/cli.md is stale (CI runs this check)

Each entry module is imported in a fresh process (their flags share names, so they cannot
live in one FlagValues); nothing runs their main().
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "cli.md")
ENTRY_POINTS = (
    ("python -m ears_tf.data.synthetic", "ears_tf.data.synthetic.__main__"),
    ("python -m ears_tf.data.voxceleb", "ears_tf.data.voxceleb.__main__"),
    ("python -m ears_tf.data.pairs", "ears_tf.data.pairs.__main__"),
    ("python -m ears_tf.train", "ears_tf.train.__main__"),
    ("python -m ears_tf.train.launch", "ears_tf.train.launch"),
    ("python -m ears_tf.data.service", "ears_tf.data.service"),
    ("python -m ears_tf.evaluate", "ears_tf.evaluate"),
    ("python -m ears_tf.infer", "ears_tf.infer.__main__"),
    ("python -m ears_tf.convert", "ears_tf.convert.__main__"),
    ("python -m ears_tf.demo", "ears_tf.demo.__main__"),
    ("python -m export", "export.__main__"),
)
REQUIRED = "must have a value other than None"

_DESCRIBE = r"""
import importlib, json, sys
from absl import flags
module = importlib.import_module(sys.argv[1])
described = []
for flag in flags.FLAGS.get_flags_for_module(sys.argv[1]):
    required = any("must have a value other than None" in str(getattr(v, "message", "")) for v in flag.validators)
    kind = {"ArgumentParser": "string", "BooleanParser": "bool", "IntegerParser": "integer",
            "FloatParser": "float", "EnumParser": "enum", "ListParser": "list"}.get(type(flag.parser).__name__, "string")
    help_text = flag.help.split(": ", 1)[1] if flag.help.startswith("<") and ": " in flag.help else flag.help
    choices = list(getattr(flag.parser, "enum_values", None) or [])
    described.append({"name": flag.name, "kind": kind, "default": (flag.default_as_str or "").strip("'"), "help": help_text,
                      "required": required, "choices": choices, "multi": flag.__class__.__name__ == "MultiFlag"})
print(json.dumps({"doc": (module.__doc__ or "").strip(), "flags": described}))
"""


def describe(module: str) -> dict:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-c", _DESCRIBE, module], capture_output=True, text=True, env=env,
                            cwd=ROOT, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        "# Command-line reference",
        "",
        "Generated from the entry points' absl flags by `python tools/cli_reference.py`; a CI test fails",
        "when this page is stale. Every entry point answers a bad flag or input with one line",
        "`error: ...` and exit status 2 ([design.md](design.md), section 9); `--help` prints the same flags.",
        "",
    ]
    for command, module in ENTRY_POINTS:
        info = describe(module)
        lines += [f"## `{command}`", ""]
        if info["doc"]:
            lines += [info["doc"], ""]
        lines += ["| flag | type | default | |", "|---|---|---|---|"]
        for flag in sorted(info["flags"], key=lambda f: (not f["required"], f["name"])):
            kind = "one of " + ", ".join(f"`{c}`" for c in flag["choices"]) if flag["choices"] else flag["kind"]
            if flag["multi"]:
                kind += " (repeat the flag)"
            default = "**required**" if flag["required"] else (f"`{flag['default']}`" if flag["default"] else "")
            lines.append(f"| `--{flag['name']}` | {_escape(kind)} | {_escape(default)} | {_escape(flag['help'])} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = open(PAGE, encoding="utf-8").read() if os.path.isfile(PAGE) else ""
        if current != text:
            print(f"{PAGE} is stale: run python tools/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    with open(PAGE, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
