#!/usr/bin/env python3
"""The dashboard in a real browser: Debian's chromium, headless, driven by selenium.

Run by DashboardBrowserTests (Tests/CloudTests), which starts the stack and passes it here:
CLOUD_URL, ADMIN_TOKEN, VIEWER_TOKEN, CLUSTER_ID (a registered, emulated cluster), ROLLOUT_ID (a
rollout soaking after its first wave), SCREENSHOTS (a directory). Each step prints one line; the
first failure exits 1 naming it.
"""
import json
import os
import sys
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

from browser import chromium, click, shoot, sign_in, step, wait_until

BASE = os.environ["CLOUD_URL"]
ADMIN = os.environ["ADMIN_TOKEN"]
VIEWER = os.environ["VIEWER_TOKEN"]
CLUSTER = os.environ["CLUSTER_ID"]
ROLLOUT = os.environ["ROLLOUT_ID"]


def api(method, path, body=None, token=ADMIN, headers=None):
    request = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode())
    if token:
        request.add_header("Authorization", "Bearer " + token)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def cell_text(driver, cluster, service):
    return driver.find_element(By.CSS_SELECTOR, f'tr[data-cluster="{cluster}"] td[data-service="{service}"]').text


def main():
    driver = chromium()
    try:
        step("a page without a session sends the browser to sign in")
        driver.get(BASE + "/")
        wait_until("the login page", lambda: driver.current_url.endswith("/login"))
        shoot(driver, "login")

        step("a wrong token is refused on the page")
        driver.find_element(By.ID, "token").send_keys("not-a-token")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait_until("the refusal", lambda: "not valid" in driver.find_element(By.CSS_SELECTOR, "p.error").text)

        step("an operator signs in and sees the grid with every cluster")
        sign_in(driver, ADMIN)
        rows = driver.find_elements(By.CSS_SELECTOR, "table.grid tbody tr[data-cluster]")
        assert len(rows) >= 3, f"{len(rows)} rows"
        cookie = driver.get_cookie("cloud_session")
        assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookie
        wait_until("the live stream", lambda: "live" in driver.find_element(By.ID, "live").get_attribute("class"))
        shoot(driver, "fleet")

        step("a deployment goes from running to succeeded on the grid without a reload")
        driver.execute_script("window.notReloaded = true")
        status, deployment = api("POST", "/api/deployments", {"ClusterID": CLUSTER, "Service": "nginx", "Action": "apply", "Chart": {"Version": "4.15.1"}})
        assert status == 202, (status, deployment)
        wait_until("running on the grid", lambda: "running" in cell_text(driver, CLUSTER, "nginx"), 60)
        wait_until("succeeded on the grid", lambda: "succeeded" in cell_text(driver, CLUSTER, "nginx"), 120)
        assert "4.15.1" in cell_text(driver, CLUSTER, "nginx")
        assert driver.execute_script("return window.notReloaded === true"), "the page was reloaded"

        step("the cluster and deployment pages show the work, and no kubeconfig")
        driver.get(f"{BASE}/ui/cluster/{CLUSTER}")
        assert "nginx" in driver.find_element(By.TAG_NAME, "main").text
        assert "certificate-authority" not in driver.page_source and "client-key" not in driver.page_source
        shoot(driver, "cluster")
        driver.get(f"{BASE}/ui/deployment/{deployment['ID']}")
        assert driver.find_element(By.ID, "state").text == "succeeded"
        shoot(driver, "deployment")

        step("pause and resume a rollout with its buttons")
        driver.get(f"{BASE}/ui/rollout/{ROLLOUT}")
        driver.execute_script("window.notReloaded = true")
        state = lambda: driver.find_element(By.ID, "state").text
        click(driver, "//button[text()='Pause']")
        wait_until("paused", lambda: state() == "paused")
        shoot(driver, "rollout-paused")
        click(driver, "//button[text()='Resume']")
        wait_until("resumed", lambda: state() in ("running", "soaking"))
        assert driver.execute_script("return window.notReloaded === true"), "the page was reloaded"
        assert api("GET", f"/api/rollout/{ROLLOUT}")[1]["State"] in ("running", "soaking")
        shoot(driver, "rollout")
        driver.get(BASE + "/ui/rollouts")
        shoot(driver, "rollouts")
        driver.get(BASE + "/ui/provisioners")
        assert "healthy" in driver.find_element(By.TAG_NAME, "main").text
        shoot(driver, "provisioners")

        step("a change through the session cookie without the page's CSRF token is refused")
        status, body = api("POST", f"/api/rollout/{ROLLOUT}/pause", {}, token=None, headers={"Cookie": "cloud_session=" + cookie["value"]})
        assert status == 403 and "CSRF" in body["Error"], (status, body)

        step("signing out ends the session")
        driver.get(BASE + "/")
        click(driver, "//button[text()='Sign out']")
        wait_until("the login page", lambda: driver.current_url.endswith("/login"))
        driver.get(BASE + "/")
        wait_until("the login page again", lambda: driver.current_url.endswith("/login"))

        step("a viewer sees the pages but no buttons")
        sign_in(driver, VIEWER)
        driver.get(f"{BASE}/ui/rollout/{ROLLOUT}")
        assert driver.find_element(By.ID, "state").text
        assert driver.find_elements(By.CSS_SELECTOR, "button[data-post]") == [], "a viewer was shown buttons"
        driver.get(BASE + "/ui/rollouts")
        assert driver.find_elements(By.CSS_SELECTOR, "button[data-post]") == []
        shoot(driver, "viewer-rollouts")
    except Exception as error:
        shoot(driver, "failure")
        print("FAILED:", repr(error), "at", driver.current_url, flush=True)
        return 1
    finally:
        driver.quit()
    print("dashboard: all steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
