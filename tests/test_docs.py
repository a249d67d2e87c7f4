"""The docs stay true to the repository: the CLI page is current, every link and image resolves,
and no image in docs/images is orphaned."""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def links(page):
    return [target for target in LINK.findall(page.read_text(encoding="utf-8"))
            if not target.startswith(("http://", "https://", "#"))]


def test_the_cli_reference_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "cli_reference.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_every_link_and_image_resolves():
    broken = [f"{page.relative_to(ROOT)} -> {target}" for page in PAGES for target in links(page)
              if not (page.parent / target.split("#")[0]).exists()]
    assert broken == []


def test_images_live_in_docs_images_and_none_is_orphaned():
    images = ROOT / "docs" / "images"
    used = {(page.parent / target).resolve() for page in PAGES for target in links(page)
            if target.endswith((".png", ".jpg", ".svg", ".gif"))}
    assert all(path.parent == images for path in used), sorted(map(str, used))
    assert sorted(p.name for p in images.iterdir() if p.resolve() not in used) == []


def test_the_readme_is_a_short_door():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 150
