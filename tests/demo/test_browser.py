"""The demo in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium against `python -m ears_tf.demo` on a loopback port, over a smoke workdir."""
import io
import os
import shutil
import urllib.request

import numpy as np
import pytest
import scipy.io.wavfile
from PIL import Image

from experiments.demo_screenshot import CHROMEDRIVER, CHROMIUM, chromium, serve, submit

pytest.importorskip("gradio", reason="the demo extra is not installed (pip install -e '.[demo]')")
pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[dev]')")
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server(trained_smoke, tmp_path_factory):
    process, url = serve(trained_smoke[1], tmp_path_factory.mktemp("demo") / "server.log")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium_profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uploads")
    rng = np.random.default_rng(1)
    Image.fromarray((rng.random((90, 90, 3)) * 255).astype(np.uint8)).save(folder / "face.png")
    scipy.io.wavfile.write(folder / "voice.wav", 16000, (0.3 * np.sin(np.arange(48000) / 7.0)).astype(np.float32))
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))  # a PNG header, then nothing
    return folder


def test_a_face_and_two_voices_give_a_face_its_refinement_and_the_mixing_strip(server, browser, uploads, tmp_path):
    from selenium.webdriver.common.by import By

    # The slider and the second voice as experiments/demo_screenshot.py sets them for the docs.
    wait = submit(browser, server, uploads / "face.png", uploads / "voice.wav", uploads / "voice.wav", refine_steps=10)
    wait.until(lambda b: all(b.find_elements(By.CSS_SELECTOR, f"#{panel} img") for panel in ("fused", "refined", "mix")))
    src = browser.find_element(By.CSS_SELECTOR, "#fused img").get_attribute("src")
    image = np.asarray(Image.open(io.BytesIO(urllib.request.urlopen(src, timeout=30).read())).convert("RGB"))
    from ears_tf.config import get_preset

    size = get_preset("smoke").model.hr_size
    assert image.shape == (size, size, 3)
    assert image.std() > 5.0  # not blank
    status = browser.find_element(By.CSS_SELECTOR, "#status").text
    assert "s on this machine" in status and "the refinement's 10 steps took" in status
    browser.save_screenshot(str(tmp_path / "demo.png"))
    assert (tmp_path / "demo.png").stat().st_size > 10_000


def test_a_corrupt_upload_is_one_message_and_the_server_keeps_serving(server, browser, uploads, tmp_path):
    from selenium.webdriver.common.by import By

    wait = submit(browser, server, uploads / "broken.png", uploads / "voice.wav")
    wait.until(lambda b: "broken.png: not a readable image" in b.page_source)
    assert "Traceback" not in browser.page_source
    browser.save_screenshot(str(tmp_path / "demo_error.png"))
    # The next request is served.
    wait = submit(browser, server, uploads / "face.png", uploads / "voice.wav")
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#fused img"))


def test_a_workdir_without_its_models_serves_a_page_that_says_so(tmp_path, trained_smoke):
    workdir = tmp_path / "w"
    shutil.copytree(trained_smoke[1], workdir)
    shutil.rmtree(workdir / "fusion")
    process, url = serve(workdir, tmp_path / "server.log")
    try:
        page = urllib.request.urlopen(url, timeout=30).read().decode("utf-8", "replace")
        assert "This workdir cannot serve requests" in page and "fusion/f3_finetune/fusion.keras: missing" in page
    finally:
        process.terminate()
        process.wait(timeout=30)
