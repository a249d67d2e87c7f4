"""The repository stands on its own: nothing outside tests/ points to a document it does not hold."""
import pathlib
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
