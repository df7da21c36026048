"""`make lab-check`: open a notebook in JupyterLab in a real headless browser, run it, check its outputs.

Starts JupyterLab on a throw-away copy of a notebook (so autosave never
touches notebooks/), opens it in headless Chromium (Debian's ``chromium``),
runs every cell through JupyterLab's own "run all" command, then fails when
a cell did not run, raised an error, or a saved figure is not shown inline.
A screenshot of the executed notebook is written for a human to look at.

Usage: python .ci/lab_check.py [--notebook 00_corpus] [--screenshot lab-check.png] [--timeout 300]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE_JS = """(() => {
  const panel = window.jupyterapp && jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model) return JSON.stringify({ready: false});
  const cells = panel.content.model.cells;
  const state = {ready: true, code: 0, executed: 0, running: 0, errors: [], images: 0,
                 kernel: panel.sessionContext.session ? panel.sessionContext.session.kernel.status : 'none',
                 shown: document.querySelectorAll('.jp-RenderedImage img').length};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    state.code += 1;
    if (cell.executionCount) state.executed += 1;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === 'error') state.errors.push(out.ename + ': ' + out.evalue);
      if (out.data && out.data['image/png']) state.images += 1;
    }
  }
  return JSON.stringify(state);
})()"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"lab-check: {url} did not answer within {timeout:.0f} s")


class Browser:
    """The Chrome DevTools protocol over one websocket (tornado's client, already installed with Jupyter)."""

    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    async def call(self, method: str, **params):
        self.next_id += 1
        await self.ws.write_message(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.ws.read_message())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str, *, await_promise: bool = False):
        result = await self.call("Runtime.evaluate", expression=expression, awaitPromise=await_promise,
                                 returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page error: {result['exceptionDetails']}")
        return result["result"].get("value")


async def _drive(debug_port: int, screenshot: Path, timeout: float) -> dict:
    from tornado.websocket import websocket_connect

    pages = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{debug_port}/json", timeout=10).read())
    page = next(p for p in pages if p.get("type") == "page")
    browser = Browser(await websocket_connect(page["webSocketDebuggerUrl"], max_message_size=64 << 20))
    deadline = time.time() + timeout
    state = {"ready": False}
    while time.time() < deadline and not (state.get("ready") and state.get("kernel") == "idle"):
        await asyncio.sleep(1)
        state = json.loads(await browser.evaluate(STATE_JS) or '{"ready": false}')
    if not state.get("ready"):
        raise SystemExit("lab-check: JupyterLab did not open the notebook (is window.jupyterapp exposed?)")
    await browser.evaluate("jupyterapp.commands.execute('notebook:run-all-cells')", await_promise=True)
    while time.time() < deadline:
        await asyncio.sleep(1)
        state = json.loads(await browser.evaluate(STATE_JS))
        if state["kernel"] == "idle" and (state["executed"] == state["code"] or state["errors"]):
            break
    await browser.evaluate("(() => { const img = document.querySelector('.jp-RenderedImage img');"
                           " if (img) img.scrollIntoView({block: 'center'}); return 1; })()")
    await asyncio.sleep(1)
    state = json.loads(await browser.evaluate(STATE_JS))
    shot = await browser.call("Page.captureScreenshot", format="png")
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    return state


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="00_corpus", help="notebook of notebooks/ to run (default 00_corpus)")
    parser.add_argument("--screenshot", default=str(ROOT / "runs" / "lab-check.png"))
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("lab-check: no chromium; install Debian's: apt-get install chromium", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="stancebook-lab-check-"))
    (work / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / f"{args.notebook}.ipynb", work / "notebooks")
    env = dict(os.environ, STANCEBOOK_RUNS_ROOT=str(work / "runs"), STANCEBOOK_FIGURES_ROOT=str(work / "figures"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "lib"), os.environ.get("PYTHONPATH")])))
    lab_port, debug_port, token = _free_port(), _free_port(), "lab-check"
    jupyter = Path(sys.executable).with_name("jupyter")
    processes = []
    try:
        processes.append(subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", f"--port={lab_port}", "--ip=127.0.0.1",
             f"--ServerApp.root_dir={work}", f"--IdentityProvider.token={token}",
             "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--ServerApp.log_level=WARN",
             "--KernelManager.transport_encryption=auto",  # as `make lab`: no "TCP without encryption" warning
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            env=env, stdout=subprocess.DEVNULL, stderr=open(work / "lab.log", "w")))
        _wait_http(f"http://127.0.0.1:{lab_port}/api/status?token={token}", 60)
        url = f"http://127.0.0.1:{lab_port}/lab/tree/notebooks/{args.notebook}.ipynb?token={token}"
        processes.append(subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             f"--remote-debugging-port={debug_port}", f"--user-data-dir={work / 'profile'}",
             "--window-size=1400,1000", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_http(f"http://127.0.0.1:{debug_port}/json/version", 30)
        screenshot = Path(args.screenshot)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        state = asyncio.run(_drive(debug_port, screenshot, args.timeout))
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    saved = 0
    for index in (work / "figures").glob("*/index.json"):
        saved += sum(e["notebook"].endswith(f"{args.notebook}.ipynb") for e in json.loads(index.read_text()))
    print(f"lab-check: {args.notebook}: {state['executed']}/{state['code']} code cells run, "
          f"{len(state['errors'])} error(s), {state['images']} inline image(s) ({state['shown']} rendered) for "
          f"{saved} saved figure(s); screenshot {args.screenshot}")
    problems = list(state["errors"])
    if state["executed"] < state["code"]:
        problems.append(f"only {state['executed']} of {state['code']} code cells ran")
    if state["images"] < saved or state["shown"] < 1 and saved:
        problems.append(f"{saved} figure(s) saved but {state['images']} shown inline")
    for problem in problems:
        print(f"lab-check: FAIL: {problem}", file=sys.stderr)
    if not problems:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
