"""The demo page as a user sees it, in headless Chromium: docs/images/demo.png.

  python experiments/demo_screenshot.py --workdir=runs/quickstart --output=docs/images/demo.png \
      [--example=0] [--refine_steps=100] [--width=1400] [--height=1500]

Starts `python -m ears_tf.demo` on a loopback port, uploads one of the page's own examples (a
test-split face, its voice and a voice of the other gender, so the mixing strip shows), sets
the refine slider, presses the button and saves the page once every panel has drawn. Needs
Debian's chromium and chromium-driver and the dev and demo extras; the browser test
(tests/demo/test_browser.py) drives the page through the same functions.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
START_TIMEOUT_S = 120
# The flags that keep Chromium off the network on a machine without one.
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(workdir, log_path, *demo_args: str):
    """(the demo's process, its URL), once it answers; its output goes to `log_path`."""
    port = free_port()
    log = open(log_path, "w")
    process = subprocess.Popen([sys.executable, "-m", "ears_tf.demo", f"--workdir={workdir}", f"--port={port}",
                                *demo_args],
                               stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    deadline = time.time() + START_TIMEOUT_S
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo exited: {open(log_path).read()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"the demo did not answer in {START_TIMEOUT_S} s: {open(log_path).read()[-3000:]}")


def chromium(profile_dir, width: int = 1400, height: int = 1200):
    """Headless Chromium under Selenium, with its profile in `profile_dir`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def submit(browser, url, face, voice, second_voice=None, refine_steps: int = 0):
    """Opens the page, uploads the files, sets the refine slider and presses the button; returns
    the page's WebDriverWait (90 s) for the caller's conditions."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    wait = WebDriverWait(browser, 90)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#face input[type=file]")
               and b.find_elements(By.CSS_SELECTOR, "#voice input[type=file]"))
    uploads = [("#face", face), ("#voice", voice)] + ([("#second_voice", second_voice)] if second_voice else [])
    for selector, path in uploads:
        browser.find_element(By.CSS_SELECTOR, f"{selector} input[type=file]").send_keys(str(path))
    # Submit once the uploads reached the server: the file's name (stem and extension in two
    # elements) and each audio player are shown.
    wait.until(lambda b: os.path.splitext(os.path.basename(face))[0] in b.find_element(By.CSS_SELECTOR, "#face").text)
    for selector, _ in uploads[1:]:
        wait.until(lambda b, selector=selector: b.find_elements(By.CSS_SELECTOR, f"{selector} audio"))
    if refine_steps:
        steps = browser.find_element(By.CSS_SELECTOR, "#refine_steps input[type=number]")
        steps.send_keys(Keys.CONTROL, "a")
        steps.send_keys(str(refine_steps), Keys.TAB)
    browser.find_element(By.CSS_SELECTOR, "#run").click()
    return wait


def main(argv):
    del argv
    from absl import flags
    from selenium.webdriver.common.by import By

    from ears_tf.demo.examples import write_examples

    FLAGS = flags.FLAGS
    with tempfile.TemporaryDirectory() as scratch:
        examples = write_examples(FLAGS.workdir, os.path.join(scratch, "examples"), FLAGS.example + 1)
        if len(examples) <= FLAGS.example:
            sys.exit(f"error: {FLAGS.workdir}: no test-split example {FLAGS.example} (the demo offers examples "
                     "for a workdir trained on synthetic data that is still where config.json says)")
        face, voice, second_voice = examples[FLAGS.example]
        process, url = serve(FLAGS.workdir, os.path.join(scratch, "demo.log"))
        browser = chromium(os.path.join(scratch, "profile"), FLAGS.width, FLAGS.height)
        try:
            wait = submit(browser, url, face, voice, second_voice, FLAGS.refine_steps)
            panels = ["#fused img", "#mix img"] + (["#refined img"] if FLAGS.refine_steps else [])
            wait.until(lambda b: all(b.find_elements(By.CSS_SELECTOR, panel) for panel in panels))
            time.sleep(1.0)  # the last panel's image decodes after its element appears
            status = browser.find_element(By.CSS_SELECTOR, "#status").text
            browser.save_screenshot(FLAGS.output)
        finally:
            browser.quit()
            process.terminate()
            process.wait(timeout=30)
    print(f"{FLAGS.output}: {os.path.basename(face)} with its own voice, then "
          f"{os.path.basename(second_voice)}; {status}")


if __name__ == "__main__":
    from absl import app, flags

    flags.DEFINE_string("workdir", None, "A workdir with a fused variant, trained on the synthetic data.", required=True)
    flags.DEFINE_string("output", "docs/images/demo.png", "The screenshot (PNG).")
    flags.DEFINE_integer("example", 0, "Which of the page's test-split examples.", lower_bound=0)
    from ears_tf.refine_options import MEASURED_STEPS

    flags.DEFINE_integer("refine_steps", MEASURED_STEPS, "The refine slider's value (0: no refined panel).", lower_bound=0)
    flags.DEFINE_integer("width", 1400, "Window width, pixels.")
    flags.DEFINE_integer("height", 1500, "Window height, pixels.")
    app.run(main)
