#!/usr/bin/python3
"""liaisond's web pages in a real browser: Debian's chromium, headless,
driven by chromedriver through python3-selenium, against a real liaisond on
127.0.0.1 with the sample data. Every other destination goes to a closed
local port (the proxy), so the browser sends nothing off this machine.

Usage: web_pages_test.py BUILD_DIR SOURCE_DIR ARTIFACTS_DIR
A screenshot of each main page is kept in ARTIFACTS_DIR. Exits non-zero on
the first failed check, naming it.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

BUILD, SOURCE, ARTIFACTS = sys.argv[1:4]
LIAISON = os.path.join(BUILD, "cli", "liaison")
LIAISOND = os.path.join(BUILD, "server", "liaisond")
CANARY = "CANARYBROWSERRESTRICTED"
ARABIC = "تبادل المعلومات عن المقاتلين الأجانب"
CYRILLIC = "Обучение пограничников работе с базами данных"


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def run(*args, env=None):
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    check(done.returncode == 0, f"{' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


class Server:
    def __init__(self, work):
        self.env = dict(os.environ, LIAISON_USER_NAME="Browser Test", LIAISON_USER_EMAIL="browser.test@example.org")
        self.data = os.path.join(work, "data")
        run(LIAISOND, "init", self.data, env=self.env)
        self.admin = run(LIAISOND, "token", "create", "--data", self.data, "--org", "un-ctc", "--role", "admin").strip()
        self.osce = run(LIAISOND, "token", "create", "--data", self.data, "--org", "osce", "--role", "editor").strip()
        self.reader = run(LIAISOND, "token", "create", "--data", self.data, "--org", "world-bank", "--role", "reader").strip()
        self.log = open(os.path.join(work, "liaisond.log"), "w")
        self.process = subprocess.Popen([LIAISOND, "--data", self.data, "--listen", "127.0.0.1:0"],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True, env=self.env)
        line = self.process.stdout.readline()
        check("listening on " in line, f"liaisond did not start: {line!r}")
        self.url = line.split("listening on ")[1].strip()
        check(self.url.startswith("http://127.0.0.1:"), f"not loopback: {self.url}")
        self.work = work

    def liaison(self, copy, *args):
        return run(LIAISON, "-C", os.path.join(self.work, copy), *args, env=self.env)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def load(server):
    run(LIAISON, "-C", server.work, "clone", server.url, "hq", "--token", server.admin, env=server.env)
    for kind in ("contacts", "needs", "offers"):
        server.liaison("hq", "import", os.path.join(SOURCE, "data", "sample", f"{kind}.csv"))
    restricted = json.loads(server.liaison("hq", "--json", "need", "add", "--org", "cis-atc", "--area", "border",
                                           "--state", "KG", "--title", CANARY, "--visibility", "restricted",
                                           "--share-with", "osce"))["id"]
    arabic = json.loads(server.liaison("hq", "--json", "need", "add", "--org", "cted", "--area", "border",
                                       "--state", "KZ", "--title", ARABIC, "--priority", "high"))["id"]
    server.liaison("hq", "need", "add", "--org", "cis-atc", "--area", "border", "--state", "TJ", "--title", CYRILLIC)
    server.liaison("hq", "push")
    return restricted, arabic


def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--no-first-run", "--disable-extensions", "--window-size=1280,1000",
                 # Anything but loopback goes to a closed local port.
                 "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                 "--lang=en-US"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                              "intl.accept_languages": "en-US,en"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver, condition, what):
    """Waits up to 10 s for a navigation a click started."""
    try:
        WebDriverWait(driver, 10).until(lambda d: condition(d))
    except Exception:
        raise AssertionError(f"{what}: at {driver.current_url}")


def shot(driver, name):
    driver.save_screenshot(os.path.join(ARTIFACTS, f"{name}.png"))


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="liaison-browser-")
    server = Server(work)
    driver = None
    try:
        restricted, arabic = load(server)
        driver = browser(work)
        driver.set_page_load_timeout(30)
        url = server.url

        # The overview: counts and the matrix, with real table headers.
        driver.get(url + "/")
        check(driver.title.startswith("Overview"), f"overview title: {driver.title}")
        matrix = driver.find_element(By.CSS_SELECTOR, "table.matrix")
        check(len(matrix.find_elements(By.CSS_SELECTOR, "thead th[scope=col]")) > 3, "matrix column headers")
        check(CANARY not in driver.page_source, "the public overview holds the restricted need")
        shot(driver, "overview")

        # Keyboard: the first Tab reaches the skip link.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = driver.switch_to.active_element
        check(focused.get_attribute("class") == "skip", "the first Tab does not reach the skip link")

        # Filter the matrix by region, then follow a cell to its needs.
        Select(driver.find_element(By.ID, "m-by")).select_by_value("region")
        driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        wait_for(driver, lambda d: "by=region" in d.current_url, "matrix filter")
        header = driver.find_element(By.CSS_SELECTOR, "table.matrix thead th").text
        check(header == "Region", f"rows are regions: {header!r}")
        cell = driver.find_element(By.CSS_SELECTOR, "table.matrix tbody td a")
        figures = [int(x) for x in cell.text.split(" / ")]
        cell.click()
        wait_for(driver, lambda d: "/needs?" in d.current_url, "cell link")
        rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        check(len(rows) == figures[0], f"the cell counts {figures[0]} open needs, the list shows {len(rows)}")
        shot(driver, "needs")

        # A need and its history.
        rows[0].find_element(By.CSS_SELECTOR, "th a").click()
        wait_for(driver, lambda d: "/needs/" in d.current_url, "need page")
        headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
        check("Who changed what" in headings, f"history on the need's page: {headings}")
        check("Browser Test" in driver.page_source, "the history names who changed the fields")
        shot(driver, "need")

        # Arabic record text runs right to left.
        driver.get(url + "/needs/" + arabic)
        title = driver.find_element(By.TAG_NAME, "h1")
        check(title.text == ARABIC, f"Arabic title shown: {title.text!r}")
        cell = driver.find_element(By.XPATH, "//td[@dir='auto'][contains(., 'تبادل')]")
        direction = driver.execute_script("return getComputedStyle(arguments[0]).direction", cell)
        check(direction == "rtl", f"Arabic text direction: {direction}")

        # A search in Cyrillic, typed into the search box.
        driver.get(url + "/orgs")
        box = driver.find_element(By.ID, "site-search")
        box.send_keys("пограничн")
        box.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: "/search?" in d.current_url, "search")
        hits = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "ol.hits li a")]
        check(CYRILLIC in hits, f"a Cyrillic search by a word's beginning finds the need: {hits}")
        shot(driver, "search")

        # The CSV download holds the rows `liaison list` shows to a reader.
        driver.get(url + "/needs?state=KZ")
        href = driver.find_element(By.CSS_SELECTOR, ".downloads a[href*='.csv']").get_attribute("href")
        with urllib.request.urlopen(href, timeout=30) as answer:
            downloaded = list(csv.DictReader(io.StringIO(answer.read().decode("utf-8"))))
        run(LIAISON, "-C", work, "clone", url, "donor", "--token", server.reader, env=server.env)
        listed = json.loads(server.liaison("donor", "--json", "list", "needs", "--state", "KZ"))
        check({r["id"] for r in downloaded} == {n["id"] for n in listed},
              "the CSV download and `liaison list --state KZ` hold different needs")

        # Sign in with OSCE's token: the restricted need shared with OSCE shows.
        driver.get(url + "/sign-in")
        driver.find_element(By.ID, "token").send_keys(server.osce)
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait_for(driver, lambda d: d.current_url.rstrip("/") == url, "signed in, back at the overview")
        check("Signed in as osce" in driver.page_source, "the page names who is signed in")
        driver.get(url + "/needs/" + restricted)
        check(CANARY in driver.page_source, "signed in as OSCE, the restricted need shows")
        shot(driver, "signed-in")
        cookies = {c["name"]: c for c in driver.get_cookies()}
        check(cookies["liaison_session"]["httpOnly"], "the session cookie is HttpOnly")
        check(cookies["liaison_session"]["sameSite"] == "Strict", "the session cookie is SameSite=Strict")

        # Sign out: the restricted need is gone again.
        driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
        wait_for(driver, lambda d: "Sign in" in d.page_source and "/needs/" not in d.current_url, "signed out")
        driver.get(url + "/needs/" + restricted)
        check(CANARY not in driver.page_source, "signed out, the restricted need still shows")

        # The meeting report: its one inline style is allowed by its hash.
        driver.get(url + "/report")
        header = driver.find_element(By.CSS_SELECTOR, "table th")
        background = driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor", header)
        check(background == "rgb(238, 238, 255)", f"the report's style applies: {background}")
        check(CANARY not in driver.page_source, "the public report holds the restricted need")
        shot(driver, "report")

        # Switch to Russian with the page's link.
        driver.get(url + "/needs")
        driver.find_element(By.CSS_SELECTOR, ".languages a[hreflang=ru]").click()
        wait_for(driver, lambda d: "lang=ru" in d.current_url, "the language switch")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru", "switched to Russian")
        check("Потребности в помощи" in driver.page_source, "Russian interface text")
        driver.get(url + "/")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru", "Russian is kept")
        shot(driver, "overview-ru")
        # The meeting report follows, with what changed since a date in the
        # public segment.
        driver.get(url + "/report?since=2000-01-01")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru", "the report in Russian")
        check("Изменения с 2000-01-01" in driver.page_source, "the report's changes since a date, in Russian")
        check(CANARY not in driver.page_source, "the public report's changes hold the restricted need")
        shot(driver, "report-ru")
        print("browser checks passed; screenshots in", ARTIFACTS)
    finally:
        if driver:
            driver.quit()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAILED:", e, file=sys.stderr)
        sys.exit(1)
