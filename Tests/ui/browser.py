"""What the browser tests share: a headless chromium, signing in, waiting, clicking and screenshots.

CLOUD_URL (the cloud server) and SCREENSHOTS (a directory) come from the environment."""
import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BASE = os.environ["CLOUD_URL"]
SHOTS = os.environ["SCREENSHOTS"]


def chromium():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def wait_until(what, condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if condition():
                return
        except Exception:  # the page is being replaced under us; look again
            pass
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


STARTED = time.time()


def step(name):
    print(f"step ({time.time() - STARTED:.1f} s):", name, flush=True)


def shoot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def sign_in(driver, token):
    driver.get(BASE + "/login")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_until("the fleet page after signing in", lambda: driver.current_url.rstrip("/") == BASE and driver.find_element(By.TAG_NAME, "h1").text == "Fleet")


def click(driver, xpath):
    """Clicks the element, found again if a live update replaced <main> in between (the page
    re-renders itself on events, so a found element can go stale before the click lands)."""
    def attempt():
        driver.find_element(By.XPATH, xpath).click()
        return True
    wait_until("a click on " + xpath, attempt, 30)
