#!/usr/bin/env python3
"""A 1,000-cluster rollout in a real browser: from the fleet page and from the rollout's page, a
failed cluster is one click away.

Run by DashboardBrowserTests (Tests/CloudTests) against a cloud server on a seeded database:
CLOUD_URL, ADMIN_TOKEN, ROLLOUT_ID, FAILED_IDS (the failed clusters, comma-separated),
SCREENSHOTS. Each step prints one line; the first failure exits 1 naming it."""
import os
import sys

from selenium.webdriver.common.by import By

from browser import BASE, chromium, click, shoot, sign_in, step, wait_until

ADMIN = os.environ["ADMIN_TOKEN"]
ROLLOUT = os.environ["ROLLOUT_ID"]
FAILED = set(os.environ["FAILED_IDS"].split(","))


def on_failed_cluster(driver):
    """The page is a failed cluster's own."""
    return driver.current_url.split("/ui/cluster/")[-1] in FAILED and "/ui/cluster/" in driver.current_url


def main():
    driver = chromium()
    try:
        sign_in(driver, ADMIN)

        step("the fleet page names the failed clusters; one click opens one")
        driver.get(BASE + "/")
        shoot(driver, "fleet-1000")
        click(driver, '//section[@id="attention"]//a[starts-with(@href, "/ui/cluster/")]')
        wait_until("a failed cluster's page", lambda: on_failed_cluster(driver))

        step("the failed card narrows the grid to the failed clusters")
        driver.get(BASE + "/")
        click(driver, '//a[@href="/?show=failed"]')
        wait_until("the failed clusters only", lambda: {row.get_attribute("data-cluster") for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-cluster]")} == FAILED)

        step("the compact view draws a cell per cluster")
        driver.get(BASE + "/?view=compact")
        wait_until("1,000 cells", lambda: len(driver.find_elements(By.CSS_SELECTOR, ".compact .dot")) == 1000)
        shoot(driver, "fleet-1000-compact")

        step("the rollout page leads with the failed clusters; one click opens one")
        driver.get(BASE + "/ui/rollout/" + ROLLOUT)
        shoot(driver, "rollout-1000")
        click(driver, '//table[@class="problems"]//a[starts-with(@href, "/ui/cluster/")]')
        wait_until("a failed cluster's page", lambda: on_failed_cluster(driver))
        print("all steps passed", flush=True)
        return 0
    except Exception as error:  # one line naming the step that failed
        print("FAILED:", error, flush=True)
        shoot(driver, "failure")
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
