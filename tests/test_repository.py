"""The repository stands on its own: nothing outside tests/ points to a document it does not hold."""
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[1]


def tracked_files():
    listing = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in listing.splitlines() if not name.startswith("tests/")]


def test_no_file_refers_to_documents_outside_the_repository():
    offenders = []
    for path in tracked_files():
        if path.suffix in (".png", ".jpg") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "DESIGN.md" in text or "../shared" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_design_contract_is_in_the_repository():
    assert (ROOT / "docs" / "design.md").is_file()


def test_nothing_outside_train_imports_from_it():
    upward = re.compile(r"^\s*(from ears_tf\.train\b|import ears_tf\.train\b|from ears_tf import .*\btrain\b)", re.M)
    offenders = [str(path.relative_to(ROOT)) for folder in ("ears_tf", "export") for path in (ROOT / folder).rglob("*.py")
                 if "ears_tf/train" not in path.as_posix() and upward.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def _package_imports(path: pathlib.Path) -> set:
    """The ears_tf parts (second name: `config`, `workdir`, ...) a module imports, at any depth."""
    import ast

    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ears_tf":
            names = node.module.split(".")
            parts.update([names[1]] if len(names) > 1 else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            parts.update(a.name.split(".")[1] for a in node.names if a.name.startswith("ears_tf."))
    return parts


def test_the_base_modules_import_what_the_design_says():
    """docs/design.md, section 2: the base modules import no other part, workdir only these."""
    allowed = {"config": set(), "variants": set(), "errors": set(), "progress": set(), "precision": set(),
               "determinism": set(), "backends": set(), "workdir": {"errors", "variants", "models"}}
    for part, others in allowed.items():
        paths = [ROOT / "ears_tf" / f"{part}.py"] if (ROOT / "ears_tf" / f"{part}.py").is_file() else \
            sorted((ROOT / "ears_tf" / part).rglob("*.py"))
        imported = set().union(*(_package_imports(path) for path in paths)) - {part}
        assert imported <= others, f"ears_tf/{part} imports {sorted(imported - others)}"


def test_the_suites_longest_files_exist():
    from tests.conftest import LONGEST_FIRST

    assert [path for path in LONGEST_FIRST if not (ROOT / path).is_file()] == []
