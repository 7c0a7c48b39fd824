"""Drives headless Chromium for `tests/liveview/main.rs`: one JSON command a line on
standard input, one JSON answer a line on standard output.

Commands: {"op": "open", "url"}, {"op": "eval", "js"}, {"op": "wait", "js", "timeout"}
(polls the expression until it is truthy; answers how long it took), {"op": "click",
"css"}, {"op": "shot", "path"}, {"op": "quit"}. Every answer has "ok"; a failure says why
in "error". The browser is Debian's chromium, driven through chromedriver by selenium.
"""

import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("SOU_CHROMIUM", "/usr/bin/chromium")
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1920,1080",
        "--user-data-dir=" + tempfile.mkdtemp(prefix="sou-liveview-chromium-"),
    ]:
        options.add_argument(flag)
    service = Service(executable_path=os.environ.get("SOU_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def run(driver, command):
    op = command["op"]
    if op == "open":
        driver.get(command["url"])
        return {"ok": True}
    if op == "eval":
        return {"ok": True, "value": driver.execute_script("return " + command["js"])}
    if op == "wait":
        started = time.monotonic()
        limit = started + float(command["timeout"])
        value = None
        while True:
            try:
                value = driver.execute_script("return " + command["js"])
            except Exception as error:  # the page may be reloading
                value = None
                last = str(error)
            if value:
                return {"ok": True, "value": value, "elapsed": time.monotonic() - started}
            if time.monotonic() > limit:
                return {"ok": False, "error": "timed out", "elapsed": time.monotonic() - started}
            time.sleep(0.02)
    if op == "click":
        driver.find_element(By.CSS_SELECTOR, command["css"]).click()
        return {"ok": True}
    if op == "shot":
        driver.save_screenshot(command["path"])
        return {"ok": True}
    if op == "logs":
        return {"ok": True, "value": [str(e) for e in driver.get_log("browser")]}
    return {"ok": False, "error": "unknown op " + op}


def main():
    driver = browser()
    answer({"ok": True, "ready": True})
    try:
        for line in sys.stdin:
            command = json.loads(line)
            if command["op"] == "quit":
                answer({"ok": True})
                break
            try:
                answer(run(driver, command))
            except Exception as error:
                answer({"ok": False, "error": repr(error)})
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
