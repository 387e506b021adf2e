"""The HTML report and `blastgraph serve` in headless Chromium.

Run by .ci/run: python tests/browser/check_report.py BLASTGRAPH OUT_DIR MERMAID_JS

For the report written on the demo estate and for the served page, it
checks what a responder relies on:
- no console error;
- the graph renders: a screenshot of it has the graph's size and is not blank;
- clicking a target row highlights exactly its witness path in the graph and
  lists its hops, and clicking a node of the graph does the same;
- no request leaves the page (the report: none at all; serve: only its own
  127.0.0.1 address);
- serve: the search finds an identity, its blast radius opens, a target's
  trace and a what-if revocation open as tabs.
A report of a hostile estate (names that try to close the script element,
inject markup, or carry control characters) shows the names as text.
The `--format mermaid` answers of blast, who-can and trace (demo and hostile
estates) are rendered by Mermaid itself: no parse error, a node drawn for
every node declared, no markup from a name.

Writes OUT_DIR/report.png (the README's screenshot: copy it to
docs/img/report.png when the page changes) and OUT_DIR/serve.png.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BIN = sys.argv[1]
OUT = sys.argv[2]
# Mermaid's own bundle (dist/mermaid.min.js of the npm package), to render
# `--format mermaid` answers as a reader's Markdown viewer would.
MERMAID = sys.argv[3]
os.makedirs(OUT, exist_ok=True)


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,1200", "--force-device-scale-factor=1",
              # Nothing outside 127.0.0.1 can be reached even by mistake.
              "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=opts, service=service)


def console_errors(d):
    return [e for e in d.get_log("browser") if e["level"] == "SEVERE"]


def requested_urls(d):
    urls = []
    for entry in d.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def wait_graph(d):
    WebDriverWait(d, 20).until(lambda d: d.execute_script(
        "return !!(window.blastgraph && window.blastgraph.cy && window.blastgraph.cy.nodes().length)"))
    time.sleep(0.5)


def check_graph_picture(d, name):
    graph = d.find_element(By.ID, "graph")
    png = graph.screenshot_as_png
    img = Image.open(io.BytesIO(png)).convert("RGB")
    size = graph.size
    assert img.size == (int(size["width"]), int(size["height"])), (img.size, size)
    assert img.size[0] >= 500 and img.size[1] >= 500, img.size
    colours = img.getcolors(maxcolors=1 << 20) or []
    white = sum(n for n, c in colours if min(c) > 245)
    total = img.size[0] * img.size[1]
    assert len(colours) > 20, f"{name}: the graph is blank ({len(colours)} colours)"
    assert white < 0.98 * total, f"{name}: the graph is blank ({white} of {total} pixels white)"
    print(f"  {name}: graph {img.size[0]}x{img.size[1]}, {len(colours)} colours, {100 * (total - white) // total}% drawn")


def check_row_click(d):
    rows = d.find_elements(By.CSS_SELECTOR, "#tables tbody tr")
    assert rows, "no table row"
    rows[0].click()
    state = d.execute_script("""
        const s = window.blastgraph;
        return {path: s.selected.path.length,
                edges: s.cy.edges('.hl').length,
                hops: document.querySelectorAll('#hops li').length,
                on: document.querySelectorAll('#tables tbody tr.on').length};""")
    assert state["path"] > 0, state
    assert state["edges"] == state["path"], f"highlighted {state['edges']} edges for a path of {state['path']}"
    assert state["hops"] == state["path"], state
    assert state["on"] == 1, state
    return state


def check_node_click(d):
    # A real click on the drawn node of a path's last hop.
    ix = d.execute_script("""
        const s = window.blastgraph, v = s.view;
        const row = v.rows.find(r => s.cy.getElementById('n' + r.node).length && r.path.length > 1);
        return row ? row.node : null;""")
    assert ix is not None, "no row drawn as its own node"
    d.execute_script("window.blastgraph.cy.fit(window.blastgraph.cy.getElementById('n' + arguments[0]).closedNeighborhood(), 80)", ix)
    time.sleep(0.3)
    pos = d.execute_script("return window.blastgraph.cy.getElementById('n' + arguments[0]).renderedPosition()", ix)
    graph = d.find_element(By.ID, "graph")
    rect = d.execute_script("return arguments[0].getBoundingClientRect()", graph)
    webdriver.ActionChains(d).move_to_element_with_offset(
        graph, int(pos["x"] - rect["width"] / 2), int(pos["y"] - rect["height"] / 2)).click().perform()
    state = d.execute_script("""
        const s = window.blastgraph;
        return {node: s.selected && s.selected.node, edges: s.cy.edges('.hl').length,
                path: s.selected && s.selected.path.length};""")
    assert state["node"] == ix, f"clicking node {ix} selected {state['node']}"
    assert state["edges"] == state["path"] > 0, state


def report_checks(d, path):
    d.get("file://" + path)
    wait_graph(d)
    title = d.execute_script("return document.getElementById('title').textContent")
    print(f"report {path}: {title!r}")
    check_graph_picture(d, "report")
    check_row_click(d)
    check_node_click(d)
    # The README's picture: the whole radius, one target's path lit.
    d.execute_script("window.blastgraph.cy.elements().removeClass('hl faded')")
    check_row_click(d)
    d.execute_script("window.blastgraph.cy.fit(undefined, 20); window.scrollTo(0, 0)")
    time.sleep(0.3)
    d.save_screenshot(os.path.join(OUT, "report.png"))
    # Every tab draws.
    tabs = d.find_elements(By.CSS_SELECTOR, "#tabs button")
    assert len(tabs) >= 3, len(tabs)
    for i in range(len(tabs)):
        d.find_elements(By.CSS_SELECTOR, "#tabs button")[i].click()
        wait_graph(d)
    errors = console_errors(d)
    assert not errors, errors
    urls = requested_urls(d)
    outside = [u for u in urls if not u.startswith("file://")]
    assert not outside, f"the report made requests: {outside}"
    resources = d.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0, f"{resources} resources loaded"
    print(f"  {len(tabs)} tabs drawn, no console error, no request")


def hostile_checks(d, tmp):
    evil = "</script><img src=x onerror=\"document.title='pwned'\">{{DATA}}\u001b[31m\u202e"
    estate = {
        "format": "blastgraph-estate", "version": 1,
        "nodes": [
            {"id": "role/evil", "name": evil, "kind": "aws:role", "class": "workload"},
            {"id": "bucket/<b>data</b>", "name": "<svg onload=alert(1)>", "kind": "aws:s3_bucket", "class": "dataset"},
        ],
        "edges": [{"from": "role/evil", "to": "bucket/<b>data</b>", "kind": "access", "access": "read",
                   "reason": "<iframe src=//example.invalid>"}],
    }
    src = os.path.join(tmp, "hostile.json")
    with open(src, "w") as f:
        json.dump(estate, f)
    page = os.path.join(tmp, "hostile.html")
    subprocess.run([BIN, "report", "-q", "-i", src, "--compromise", "role/evil", "-o", page], check=True,
                   stdout=subprocess.DEVNULL)
    d.get("file://" + page)
    wait_graph(d)
    check_row_click(d)
    found = d.execute_script("""return {
        injected: document.querySelectorAll('img, svg, iframe, b').length,
        title: document.title,
        heading: document.getElementById('title').textContent,
        text: document.body.innerText};""")
    assert found["injected"] == 0, found["injected"]
    assert found["title"] != "pwned"
    assert "<img src=x" in found["heading"], found["heading"]
    assert "\u001b" not in found["text"] and "\u202e" not in found["text"]
    assert "\\u{1b}" in found["heading"], found["heading"]
    assert "<iframe src=//example.invalid>" in found["text"]
    assert not console_errors(d)
    print("hostile report: names shown as text, control characters visible, nothing injected")
    return src


def serve_checks(d):
    proc = subprocess.Popen([BIN, "serve", "-q", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = line.split()[2]
        assert url.startswith("http://127.0.0.1:"), line
        d.get(url)
        WebDriverWait(d, 20).until(lambda d: d.find_element(By.ID, "search").is_displayed())
        box = d.find_element(By.ID, "search")
        box.send_keys("support-ag")
        hit = WebDriverWait(d, 10).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#results li[data-id='agent:acme-ai/support-agent']"))
        hit.click()
        wait_graph(d)
        assert d.execute_script("return window.blastgraph.view.kind") == "blast"
        check_graph_picture(d, "serve")
        check_row_click(d)
        d.save_screenshot(os.path.join(OUT, "serve.png"))
        # A target's trace opens as a tab.
        d.find_element(By.XPATH, "//button[starts-with(., 'Trace')]").click()
        WebDriverWait(d, 20).until(lambda d: d.execute_script("return window.blastgraph.view.kind") == "trace")
        wait_graph(d)
        chains = d.execute_script("return window.blastgraph.view.rows.length")
        assert chains >= 1, chains
        # Back to the blast tab; revoke the first hop of a target's path.
        d.find_elements(By.CSS_SELECTOR, "#tabs button")[0].click()
        wait_graph(d)
        check_row_click(d)
        d.find_elements(By.CSS_SELECTOR, "button.revoke")[0].click()
        WebDriverWait(d, 20).until(lambda d: d.execute_script("return window.blastgraph.view.kind") == "what-if")
        summary = d.find_element(By.ID, "summary").text
        assert summary.startswith("Revoking "), summary
        wait_graph(d)
        errors = console_errors(d)
        assert not errors, errors
        base = url.rstrip("/")
        outside = [u for u in requested_urls(d) if not u.startswith(base + "/")]
        assert not outside, f"requests outside {base}: {outside}"
        print(f"serve {url}: search, blast, trace and what-if tabs drawn; no console error; requests only to {base}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def mermaid_checks(d, tmp, hostile):
    answers = {
        "blast": [BIN, "blast", "-q", "--compromise", "support-agent", "-f", "mermaid", "--limit", "8"],
        "who-can": [BIN, "who-can", "-q", "--reach", "acme-customer-pii", "-f", "mermaid"],
        "trace": [BIN, "trace", "-q", "--from", "AKIAEXAMPLELEGACY01", "--to", "prod-ml (111122223333) admin",
                  "-k", "2", "-f", "mermaid"],
        "hostile": [BIN, "blast", "-q", "-i", hostile, "--compromise", "role/evil", "-f", "mermaid"],
    }
    texts = {k: subprocess.run(v, check=True, capture_output=True, text=True).stdout for k, v in answers.items()}
    page = os.path.join(tmp, "mermaid.html")
    with open(page, "w") as f:
        f.write(f'<!doctype html><meta charset="utf-8"><script src="file://{MERMAID}"></script><body></body>')
    d.get("file://" + page)
    d.execute_script("mermaid.initialize({startOnLoad: false, securityLevel: 'strict'})")
    for name, text in texts.items():
        declared = sum(1 for line in text.splitlines() if line.strip().startswith("n") and '["' in line)
        result = d.execute_async_script("""
            const [id, text, done] = arguments;
            mermaid.render(id, text).then(
                (r) => { const box = document.createElement('div'); box.innerHTML = r.svg; document.body.append(box);
                         done({nodes: box.querySelectorAll('g.node').length, injected: box.querySelectorAll('img, iframe, script').length}); },
                (e) => done({error: String(e && e.message || e)}));""", "d-" + name.replace("-", ""), text)
        assert "error" not in result, f"{name}: Mermaid refused the diagram: {result['error']}\n{text}"
        assert result["nodes"] == declared > 0, f"{name}: {result['nodes']} nodes drawn of {declared}"
        assert result["injected"] == 0, name
        print(f"  mermaid {name}: rendered, {declared} nodes")
    assert not console_errors(d)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        subprocess.run([BIN, "report", "-q", "--compromise", "support-agent", "--who-can", "acme-customer-pii",
                        "--rank", "4", "-o", page], check=True, stdout=subprocess.DEVNULL)
        d = browser()
        try:
            report_checks(d, page)
            hostile = hostile_checks(d, tmp)
            mermaid_checks(d, tmp, hostile)
        finally:
            d.quit()
        d = browser()
        try:
            serve_checks(d)
        finally:
            d.quit()
    print("browser checks passed")


main()
