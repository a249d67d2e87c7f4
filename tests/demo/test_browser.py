"""The demo in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium against `python -m ears_tf.demo` on a loopback port, over a smoke workdir."""
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
import scipy.io.wavfile
from PIL import Image

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytest.importorskip("gradio", reason="the demo extra is not installed (pip install -e '.[demo]')")
pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[dev]')")
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
                allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(workdir, log_path):
    port = free_port()
    log = open(log_path, "w")
    process = subprocess.Popen([sys.executable, "-m", "ears_tf.demo", f"--workdir={workdir}", f"--port={port}"],
                               stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    deadline = time.time() + 120
    while time.time() < deadline:
        assert process.poll() is None, open(log_path).read()[-3000:]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise AssertionError(f"the demo did not answer in 120 s: {open(log_path).read()[-3000:]}")


@pytest.fixture(scope="module")
def server(trained_smoke, tmp_path_factory):
    process, url = serve(trained_smoke[1], tmp_path_factory.mktemp("demo") / "server.log")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium_profile")
    # The flags that keep Chromium off the network on a machine without one.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1200"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
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


def submit(browser, url, face, voice):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    wait = WebDriverWait(browser, 90)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#face input[type=file]")
               and b.find_elements(By.CSS_SELECTOR, "#voice input[type=file]"))
    browser.find_element(By.CSS_SELECTOR, "#face input[type=file]").send_keys(str(face))
    browser.find_element(By.CSS_SELECTOR, "#voice input[type=file]").send_keys(str(voice))
    # Submit once both uploads reached the server: the file's name (stem and extension in two
    # elements) and the audio player are shown.
    wait.until(lambda b: face.stem in b.find_element(By.CSS_SELECTOR, "#face").text)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#voice audio"))
    browser.find_element(By.CSS_SELECTOR, "#run").click()
    return wait


def test_a_face_and_a_voice_give_a_face(server, browser, uploads, trained_smoke, tmp_path):
    from selenium.webdriver.common.by import By

    wait = submit(browser, server, uploads / "face.png", uploads / "voice.wav")
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#fused img"))
    src = browser.find_element(By.CSS_SELECTOR, "#fused img").get_attribute("src")
    image = np.asarray(Image.open(io.BytesIO(urllib.request.urlopen(src, timeout=30).read())).convert("RGB"))
    from ears_tf.config import get_preset

    size = get_preset("smoke").model.hr_size
    assert image.shape == (size, size, 3)
    assert image.std() > 5.0  # not blank
    assert "s on this machine" in browser.find_element(By.CSS_SELECTOR, "#status").text
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
