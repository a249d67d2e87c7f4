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
