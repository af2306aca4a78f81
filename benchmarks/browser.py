"""`python -m benchmarks browser`: the live pictures in Chromium, as a visitor drags. A driver in the page
moves a slider at 60 input events a second for 5 s (each event a new value, three slider steps on);
the page's own record (window.genlab.stats, ui/web/live.js) says when each picture was drawn and for
which input. The same drag with the runtime blocked, so the server draws (the fallback path), is the
reference. Classify is drawn with the mouse instead: a 7 stroke by stroke, each undone, at the same
rate. Also: how soon the page draws after the tab opens, the server's CPU time per drag, a first visit
over a 20 Mbit/s link with nothing cached (to the app, and to the static site served by `python -m
http.server`): when the first tab works, and the bytes it took; a scripted visitor's server calls; Text's
characters a second and Text GAN's table, in the page against the server."""
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from benchmarks.running_app import ROOT, RunningApp, ServedFolder
from genlab.commands.bench import Row
from genlab.models.loading import load_checkpoint

CHROMIUM = os.environ.get("GENLAB_CHROMIUM", "/usr/bin/chromium")  # Debian's; the browser tests use it too


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium as root on a machine with no network but loopback (the tests' browser too)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"No Chromium at {CHROMIUM}: install it (apt-get install chromium) or point "
                           "GENLAB_CHROMIUM at a Chromium or Chrome executable.")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
RATE, SECONDS = 60, 5.0
TRIALS = 3  # of each first-picture measurement
AFTER_S = 1.5  # waited after a drag for the last pictures
RUNTIME = re.compile(r"/genlab/web/vendor/")
DRIVE = """async ({ id, seconds, rate }) => {
  const range = document.querySelector(`#${id} input[type=range]`);
  const low = +range.min, span = +range.max - low, step = 3 * +range.step;
  const start = performance.now();
  let sent = 0;
  await new Promise((done) => (function next() {
    if (performance.now() - start >= 1000 * seconds) return done();
    const travelled = (sent * step) % (2 * span);  // back and forth over the whole range
    range.value = (low + (travelled <= span ? travelled : 2 * span - travelled)).toFixed(2);
    range.dispatchEvent(new Event('input', { bubbles: true }));
    sent += 1;
    setTimeout(next, Math.max(0, start + (1000 * sent) / rate - performance.now()));
  })());
  return { start, end: performance.now(), sent };
}"""
DRAGS = (  # what is dragged: the tab, the model to choose (None: the tab's first), the slider, the live picture
    ("VAE explorer, 2-D VAE", "VAE explorer", None, "genlab-z1", "explore"),
    ("VAE explorer, 16-D VAE", "VAE explorer", "VAE, 16-D latent", "genlab-z1", "explore"),
    ("GAN sampler, one sample walked toward another seed", "GAN sampler", None, "genlab-gan-walk", "gan"),
    ("GAN sampler, the grid of 32 samples as its truncation moves (the CNN's readings once it rests)", "GAN sampler", None,
     "genlab-gan-truncation", "gan-grid"),
)
NOTICES = {"explore": "#genlab-vae-live .genlab-notice", "gan": "#genlab-gan-walk-live .genlab-notice",
           "gan-grid": "#genlab-gan-grid-live .genlab-notice", "classify": "#genlab-classify-live .genlab-notice"}
SEVEN = ((-0.8, -1.0), (0.8, -1.0), (-0.15, 1.1))  # a 7's corners, in thirds of the pad's half side
STROKE_MOVES = 24  # pointer moves a stroke


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def opened(context: BrowserContext, url: str, tab: str, model: str | None, live: str, blocked: bool) -> Page:
    """A new visitor on `tab`, its live picture ready: drawn by the page, or (runtime blocked) by the server."""
    page = context.new_page()
    if blocked:
        page.route(RUNTIME, lambda route: route.abort())
    page.goto(url)
    page.get_by_role("tab", name=tab, exact=True).click()
    if model:  # the explorer's other VAE: wait for its sliders (2 become 6) and, in the page, its decoder
        sliders = "document.querySelectorAll('[id^=genlab-z] input[type=range]').length"
        page.wait_for_function(f"() => window.genlab?.modes?.['{live}']")
        before, graph = page.evaluate(f"() => [{sliders}, window.genlab.graphs['{live}'] ?? null]")
        page.get_by_role("radio", name=model, exact=True).check()
        page.wait_for_function(f"() => {sliders} !== {before}")
        if not blocked:
            page.wait_for_function(f"() => window.genlab.graphs['{live}'] !== {json.dumps(graph)}")
    if blocked:  # the page has given up on the runtime and said so
        page.wait_for_function(f"() => document.querySelector('{NOTICES[live]}')?.textContent", timeout=60_000)
    else:
        page.wait_for_function(f"() => window.genlab?.modes?.['{live}'] === 'page'", timeout=60_000)
    page.wait_for_timeout(1000)  # the model switch's own server answer has landed
    return page


def drag(page: Page, slider: str, live: str, pid: int) -> dict:
    calls: list[float] = []
    page.on("request", lambda request: calls.append(1) if "/queue/join" in request.url else None)
    cpu = cpu_seconds(pid)
    window = page.evaluate(DRIVE, {"id": slider, "seconds": SECONDS, "rate": RATE})
    page.wait_for_timeout(1000 * AFTER_S)  # the last answers arrive
    stats = page.evaluate(f"() => window.genlab.stats['{live}']")
    drawn = [s for s in stats if window["start"] <= s["inputAt"] <= window["end"]]
    latency = np.array([s["drawnAt"] - s["inputAt"] for s in drawn])
    return {"per_second": len(drawn) / SECONDS, "latency": latency, "calls": len(calls),
            "cpu": cpu_seconds(pid) - cpu, "sent": window["sent"]}


def drawn_with_the_mouse(page: Page, pid: int) -> dict:
    """Classify: a 7 drawn with the real mouse, STROKE_MOVES moves a stroke at RATE moves a second, again
    and again for SECONDS, each a little to the right of the one before. The page reads every move and the
    stroke's end; the server only what the pad sends (a stroke's end)."""
    calls: list[float] = []
    page.on("request", lambda request: calls.append(1) if "/queue/join" in request.url else None)
    box = page.locator("#digit-pad canvas").bounding_box()
    x, y, u = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["width"] / 3.6
    cpu, started = cpu_seconds(pid), time.monotonic()
    window = {"start": page.evaluate("performance.now()"), "sent": 0}
    while time.monotonic() - started < SECONDS:
        shift = window["sent"] / STROKE_MOVES * u / 20
        corners = [(x + dx * u + shift, y + dy * u) for dx, dy in SEVEN]
        page.mouse.move(*corners[0])
        page.mouse.down()
        for a, b in zip(corners, corners[1:]):
            for i in range(1, STROKE_MOVES // 2 + 1):
                page.mouse.move(*(p + (q - p) * i / (STROKE_MOVES // 2) for p, q in zip(a, b)))
                window["sent"] += 1
                time.sleep(max(0.0, started + window["sent"] / RATE - time.monotonic()))
        page.mouse.up()
    window["end"] = page.evaluate("performance.now()")
    page.wait_for_timeout(1000 * AFTER_S)
    stats = page.evaluate("() => window.genlab.stats.classify")
    drawn = [s for s in stats if window["start"] <= s["inputAt"] <= window["end"]]
    latency = np.array([s["drawnAt"] - s["inputAt"] for s in drawn])
    return {"per_second": len(drawn) / SECONDS, "latency": latency, "calls": len(calls),
            "cpu": cpu_seconds(pid) - cpu, "sent": window["sent"]}


def described(run: dict) -> str:
    if not len(run["latency"]):
        return f"no pictures drawn; {run['calls']} server calls"
    p50, p95 = np.percentile(run["latency"], [50, 95])
    return (f"{run['per_second']:.0f} pictures/s, input to picture p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"{run['calls']} server calls ({run['sent']} inputs)")


FIRST_PICTURE = """(clicked) => {
  const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
  const drawn = window.genlab.stats.explore.find((s) => s.how === 'page').drawnAt;
  return { picture: drawn - clicked, runtime: at('genlab:runtime') - clicked, sessions: at('genlab:explore:sessions') - clicked };
}"""


LINK_MBIT, LATENCY_MS = 20, 40  # a first visit's link (Chromium's network emulation): its speed each way, its latency
TABS_IN_THE_PAGE = (("VAE explorer", "explore"), ("GAN sampler", "gan-grid"), ("Text", "text"))  # opened in turn


def cold_visit(browser: Browser, url: str) -> dict:
    """A first visit with nothing cached over a LINK_MBIT link: seconds from navigating to the first tab
    (Classify) taking a drawing (its pad on screen; the server reads it until the page can), and to the
    page reading drawings itself (the runtime and the classifier's graph loaded), with the bytes received
    by then; then each other tab that runs in the page opened in turn until it draws there: the bytes in all."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    bytes_per_second = LINK_MBIT * 1e6 / 8
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": LATENCY_MS, "downloadThroughput": bytes_per_second,
                                                  "uploadThroughput": bytes_per_second})
    received = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    started = time.monotonic()
    page.goto(url)
    page.get_by_label("Draw a digit", exact=True).first.wait_for(state="visible", timeout=120_000)
    takes_a_drawing = time.monotonic() - started
    page.wait_for_function("() => window.genlab?.modes?.classify === 'page'", timeout=120_000, polling=20)
    reads_in_page, first_bytes = time.monotonic() - started, sum(received)
    for tab, live in TABS_IN_THE_PAGE:
        page.get_by_role("tab", name=tab, exact=True).click()
        page.wait_for_function(f"() => window.genlab?.modes?.['{live}'] === 'page'", timeout=120_000)
    context.close()
    return {"takes_a_drawing": takes_a_drawing, "reads_in_page": reads_in_page, "first_bytes": first_bytes,
            "all_bytes": sum(received)}


def photo_of_a_seven() -> bytes:
    """A 7 in dark ink on a light background, 800x600 pixels, as a PNG: a photo of a digit as a visitor gives one."""
    image = Image.new("RGB", (800, 600), (235, 232, 225))
    ImageDraw.Draw(image).line([(260, 120), (540, 120), (360, 500)], fill=(30, 30, 40), width=36)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def visitor_session(context: BrowserContext, url: str, blocked: bool) -> dict:
    """A scripted visitor, step by step: draws a 7 in Classify, gives it a photo of one and chooses the MLP; drags a
    VAE slider, asks for a
    random sample, encodes the drawing, interpolates between two test digits and chooses the 16-D VAE; draws a new
    GAN seed, drags the truncation, asks for every digit and chooses the MLP GAN; writes in Text and measures the
    prompt (What's happening); rebuilds a line in Sentences; writes in Text GAN. The server calls (queue joins) of each step, and the session's length; with the
    runtime blocked, every tab's server path (the reference)."""
    page = context.new_page()
    if blocked:
        page.route(RUNTIME, lambda route: route.abort())
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url) if "/queue/join" in request.url else None)
    page.goto(url)
    page.get_by_label("Draw a digit", exact=True).first.wait_for(state="visible", timeout=60_000)
    settled = 1500  # ms after a step for its last answers
    mode = "server" if blocked else "page"
    started, steps = time.monotonic(), {}

    def step(name: str, act) -> None:
        before = len(calls)
        act()
        page.wait_for_timeout(settled)
        steps[name] = len(calls) - before

    def open_tab(tab: str, live: str) -> None:
        page.get_by_role("tab", name=tab, exact=True).click()
        page.wait_for_function(f"() => window.genlab?.modes?.['{live}'] === '{mode}'", timeout=60_000)

    def draw(pad: str) -> None:
        page.locator(f"{pad} canvas").scroll_into_view_if_needed()
        box = page.locator(f"{pad} canvas").bounding_box()
        x, y, u = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["width"] / 3.6
        page.mouse.move(x - 0.8 * u, y - u)
        page.mouse.down()
        for dx, dy in SEVEN[1:]:
            page.mouse.move(x + dx * u, y + dy * u, steps=12)
        page.mouse.up()

    def drag(slider: str) -> None:
        page.locator(f"#{slider} input[type=range]").scroll_into_view_if_needed()
        box = page.locator(f"#{slider} input[type=range]").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2, steps=30)
        page.mouse.up()

    def choose(model: str) -> None:
        page.get_by_role("radio", name=model, exact=True).check()

    page.wait_for_function(f"() => window.genlab?.modes?.classify === '{mode}'", timeout=60_000)
    step("Classify: draw a 7", lambda: draw("#digit-pad"))
    upload = "#genlab-classify-upload" if blocked else "#genlab-classify-upload-box"  # the server's, or the page's box
    step("Classify: upload a photo of a 7", lambda: page.locator(f"{upload} input[type=file]").set_input_files(
        {"name": "seven.png", "mimeType": "image/png", "buffer": photo_of_a_seven()}))
    step("Classify: choose the MLP", lambda: choose("MLP (pretrained)"))
    open_tab("VAE explorer", "explore")
    step("VAE explorer: drag a slider", lambda: drag("genlab-z1"))
    step("VAE explorer: random sample", lambda: page.get_by_role("button", name="Random sample", exact=True).click())
    page.get_by_text("Encode your own digit", exact=True).click()
    step("VAE explorer: encode a drawn 7", lambda: (draw("#genlab-vae-pad"),
                                                   page.get_by_role("button", name="Encode", exact=True).click()))
    page.get_by_text("Interpolate between two digits", exact=True).click()
    step("VAE explorer: interpolate between two test digits",
         lambda: page.get_by_role("button", name="Interpolate", exact=True).click())
    step("VAE explorer: choose the 16-D VAE", lambda: choose("VAE, 16-D latent"))
    open_tab("GAN sampler", "gan-grid")
    step("GAN sampler: new seed", lambda: page.get_by_role("button", name="New seed", exact=True).click())
    step("GAN sampler: drag the truncation", lambda: drag("genlab-gan-truncation"))
    step("GAN sampler: same noise, every digit",
         lambda: page.get_by_role("button", name="Same noise, every digit", exact=True).click())
    step("GAN sampler: choose the MLP GAN", lambda: choose("MLP GAN"))
    open_tab("Text", "text")
    step("Text: write", lambda: page.get_by_role("button", name="Write", exact=True).click())
    page.get_by_role("tabpanel").get_by_text("What's happening", exact=True).click()
    step("Text: measure the prompt", lambda: page.get_by_role("button", name="Measure the prompt on screen").click())
    open_tab("Sentences", "sentences-rebuild")
    step("Sentences: rebuild a line", lambda: page.get_by_role("button", name="Rebuild", exact=True).click())
    open_tab("Text GAN", "text-gan")
    step("Text GAN: write lines from the three writers", lambda: page.get_by_role("button", name="Write", exact=True).click())
    seconds = time.monotonic() - started
    page.close()
    return {"steps": steps, "seconds": seconds}


def first_picture(context: BrowserContext, url: str, idle_s: float) -> dict:
    """Milliseconds from a click on the VAE explorer's tab, `idle_s` after the page showed its first tab, to
    the runtime's module being loaded (negative: before the click), the graphs' sessions made and the
    first picture drawn by the page."""
    page = context.new_page()
    page.goto(url)
    page.get_by_role("tab", name="Classify", exact=True).wait_for()
    page.wait_for_timeout(1000 * idle_s)
    clicked = page.evaluate("() => performance.now()")
    page.get_by_role("tab", name="VAE explorer", exact=True).click()
    page.wait_for_function("() => window.genlab?.stats?.explore?.some((s) => s.how === 'page')", polling=5,
                           timeout=60_000)
    times = page.evaluate(FIRST_PICTURE, clicked)
    page.close()
    return times


WRITE_LENGTH = 2000
TEXT_ON_SERVER = """async (total) => {
  // Write pressed with the runtime blocked: the server streams into its own box. When the first
  // character shows after the prompt, and when the last does (polled every frame).
  const box = document.querySelector('#genlab-text-output textarea');
  const prompt = document.querySelector('#genlab-text-prompt textarea').value.length;
  const before = box.value; // the last trial's text, until the server's first piece replaces it
  const pressed = performance.now();
  document.querySelector('#genlab-text-write').click();
  let firstAt = null;
  await new Promise((done) => (function poll() {
    const length = box.value.length;
    if (firstAt === null && box.value !== before && length > prompt) firstAt = performance.now();
    if (firstAt !== null && length >= prompt + total) return done();
    requestAnimationFrame(poll);
  })());
  return { first: firstAt - pressed, perSecond: (total - 1) / ((performance.now() - firstAt) / 1000) };
}"""


def text_written(context: BrowserContext, url: str, blocked: bool) -> dict:
    """Write WRITE_LENGTH characters after the Text tab's prompt (seed 0, temperature 0.8): milliseconds from
    the press to the first character, and characters a second after it; in the page, or by the server."""
    page = context.new_page()
    if blocked:
        page.route(RUNTIME, lambda route: route.abort())
    page.goto(url)
    page.get_by_role("tab", name="Text", exact=True).click()
    mode = "document.querySelector('#genlab-text-live .genlab-notice')?.textContent" if blocked else \
        "window.genlab?.modes?.text === 'page'"
    page.wait_for_function(f"() => {mode}", timeout=60_000)
    length = page.get_by_role("spinbutton", name="Characters to write")
    length.fill(str(WRITE_LENGTH))
    length.press("Enter")
    page.wait_for_timeout(500)
    trials = []
    for _ in range(TRIALS):
        if blocked:
            trials.append(page.evaluate(TEXT_ON_SERVER, WRITE_LENGTH))
        else:
            page.evaluate("() => { window.genlab.texts.write = null; }")
            page.get_by_role("button", name="Write", exact=True).click()
            record = page.wait_for_function("() => window.genlab.texts.write?.done && window.genlab.texts.write",
                                            timeout=60_000).json_value()
            trials.append({"first": record["firstAt"] - record["pressed"],
                           "perSecond": (WRITE_LENGTH - 1) / ((record["lastAt"] - record["firstAt"]) / 1000)})
        page.wait_for_timeout(500)
    page.close()
    return {key: float(np.median([trial[key] for trial in trials])) for key in trials[0]}


def lines_written(context: BrowserContext, url: str, blocked: bool) -> float:
    """Milliseconds from Write in the Text GAN tab to its table of the three writers' lines on screen (8 lines
    each, a new seed each time: the median of TRIALS), written in the page or, with the runtime blocked, by the server."""
    page = context.new_page()
    if blocked:
        page.route(RUNTIME, lambda route: route.abort())
    page.goto(url)
    page.get_by_role("tab", name="Text GAN", exact=True).click()
    page.wait_for_function(f"() => window.genlab?.modes?.['text-gan'] === '{'server' if blocked else 'page'}'",
                           timeout=60_000)
    table = page.locator("table.lines").first
    times = []
    for seed in range(1, TRIALS + 1):
        page.locator("#genlab-textgan-seed input").fill(str(seed))
        before = table.inner_text()
        started = time.monotonic()
        page.get_by_role("button", name="Write", exact=True).click()
        page.wait_for_function("(before) => document.querySelector('table.lines')?.innerText !== before", arg=before,
                               polling=5, timeout=60_000)
        times.append(1000 * (time.monotonic() - started))
    page.close()
    return float(np.median(times))


STEPS = 1000  # of the character LSTM, timed alone
PAGE_STEPS = """async (steps) => {
  const { session } = await import(new URL('genlab/web/runtime.js', document.baseURI).href);
  const { step } = await import(new URL('genlab/web/lstm.js', document.baseURI).href);
  const spec = window.genlab.specs.text, graph = await session(spec.lstm);
  let state = null;
  for (let i = 0; i < 50; i++) ({ state } = await step(graph, spec, [i % spec.vocab.length], state));
  const start = performance.now();
  for (let i = 0; i < steps; i++) ({ state } = await step(graph, spec, [i % spec.vocab.length], state));
  return (performance.now() - start) / steps;
}"""


def lstm_steps(context: BrowserContext, url: str) -> dict:
    """Milliseconds a step of the character LSTM takes (a character on the carried state: what each written
    character costs at least), median of TRIALS x STEPS: in the page (lstm.js's step, the Text tab's graph), and
    torch's fused step (the server's writer) in this process on one thread and on two."""
    page = context.new_page()
    page.goto(url)
    page.get_by_role("tab", name="Text", exact=True).click()
    page.wait_for_function("() => window.genlab?.modes?.text === 'page'", timeout=60_000)
    in_page = np.median([page.evaluate(PAGE_STEPS, STEPS) for _ in range(TRIALS)])
    page.close()
    lstm = load_checkpoint(ROOT / "checkpoints" / "lstm").model.eval()
    stepper, threads, timed = lstm.stepper(), torch.get_num_threads(), {}
    for count in (1, 2):
        torch.set_num_threads(count)
        runs = []
        for _ in range(TRIALS):
            state = None
            for i in range(50):
                _, state = stepper(torch.tensor([i % len(lstm.config.vocab)]), state)
            start = time.perf_counter()
            for i in range(STEPS):
                _, state = stepper(torch.tensor([i % len(lstm.config.vocab)]), state)
            runs.append(1000 * (time.perf_counter() - start) / STEPS)
        timed[count] = np.median(runs)
    torch.set_num_threads(threads)
    return {"page": in_page, "torch": timed[1], "torch_2": timed[2]}


def static_cold_visits(browser: Browser) -> dict:
    """cold_visit's medians on the static site (`python -m genlab site`, written now), served as it is by
    `python -m http.server`: no compression on the way, the runtime's WebAssembly unpacked in the page."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "genlab", "site", "--out", folder], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        with ServedFolder(Path(folder)) as url:
            visits = [cold_visit(browser, url) for _ in range(TRIALS)]
    return {key: np.median([visit[key] for visit in visits]) for key in visits[0]}


def bench_browser(device: torch.device) -> Iterator[Row]:
    running = RunningApp()
    with running as client, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        visits = [cold_visit(browser, client.src) for _ in range(TRIALS)]
        median = {key: np.median([visit[key] for visit in visits]) for key in visits[0]}
        yield (f"a first visit, nothing cached, over a {LINK_MBIT} Mbit/s link (median of {TRIALS}): the first tab, Classify",
               f"reads drawings in the page {median['reads_in_page']:.1f} s after navigating, "
               f"{median['first_bytes'] / 1e6:.1f} MB received by then",
               f"takes a drawing (the server reads it) at {median['takes_a_drawing']:.1f} s",
               f"{median['all_bytes'] / 1e6:.1f} MB once {', '.join(tab for tab, _ in TABS_IN_THE_PAGE)} run in the page too")
        median = static_cold_visits(browser)
        yield (f"the same first visit to the static site, served by python -m http.server (median of {TRIALS})",
               f"reads drawings in the page {median['reads_in_page']:.1f} s after navigating, "
               f"{median['first_bytes'] / 1e6:.1f} MB received by then", f"its pad on screen at {median['takes_a_drawing']:.1f} s",
               f"{median['all_bytes'] / 1e6:.1f} MB once the same tabs run in the page too")
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        for visit, idle_s in (("the tab opened at once", 0), ("the tab opened after 3 s on the first tab", 3)):
            trials = [first_picture(context, client.src, idle_s) for _ in range(TRIALS)]
            median = {key: np.median([trial[key] for trial in trials]) for key in trials[0]}
            yield (f"first picture drawn by the page after the VAE explorer's tab opens: {visit} "
                   f"(median of {TRIALS})", f"{median['picture']:.0f} ms (runtime loaded at {median['runtime']:.0f} ms, "
                   f"sessions made at {median['sessions']:.0f} ms)", "the server's picture shows until then", "")
        for what, tab, model, slider, live in DRAGS:
            runs = {}
            for blocked in (False, True):
                page = opened(context, client.src, tab, model, live, blocked)
                if not blocked:  # the same time with the page open and nobody dragging
                    cpu = cpu_seconds(running.process.pid)
                    page.wait_for_timeout(1000 * (SECONDS + AFTER_S))
                    idle_cpu = cpu_seconds(running.process.pid) - cpu
                runs[blocked] = drag(page, slider, live, running.process.pid)
                page.close()
            in_page, on_server = runs[False], runs[True]
            yield (f"{what}: a drag at {RATE} input events/s for {SECONDS:.0f} s, drawn in the page",
                   described(in_page), f"the server draws: {described(on_server)}",
                   f"{in_page['per_second'] / max(on_server['per_second'], 1e-9):.1f}x the pictures")
            yield (f"{what}: the server's CPU time during that drag", f"{in_page['cpu']:.2f} s drawn in the page",
                   f"{on_server['cpu']:.2f} s drawn by the server; {idle_cpu:.2f} s with nobody dragging", "")
        runs = {}
        for blocked in (False, True):
            page = opened(context, client.src, "Classify", None, "classify", blocked)
            runs[blocked] = drawn_with_the_mouse(page, running.process.pid)
            page.close()
        in_page, on_server = runs[False], runs[True]
        yield (f"Classify: a 7 drawn with the mouse at {RATE} moves/s, stroke after stroke, for {SECONDS:.0f} s: read and "
               "explained in the page at every move", described(in_page).replace("pictures", "readings"),
               f"the server reads each stroke's end: {described(on_server).replace('pictures', 'readings')}",
               f"{in_page['per_second'] / max(on_server['per_second'], 1e-9):.1f}x the readings")
        in_page, on_server = (visitor_session(context, client.src, blocked) for blocked in (False, True))
        for name, calls in in_page["steps"].items():
            yield f"a scripted visitor's session, step by step: {name}", f"{calls} server calls", \
                f"{on_server['steps'][name]} with the runtime blocked (the server's path)", ""
        per_minute = [sum(run["steps"].values()) / (run["seconds"] / 60) for run in (in_page, on_server)]
        yield (f"a scripted visitor's session ({len(in_page['steps'])} steps, as above): server calls per visitor-minute",
               f"{per_minute[0]:.1f} ({sum(in_page['steps'].values())} calls in {in_page['seconds']:.0f} s)",
               f"{per_minute[1]:.1f} with the runtime blocked ({sum(on_server['steps'].values())} calls in "
               f"{on_server['seconds']:.0f} s)", "")
        in_page, on_server = (lines_written(context, client.src, blocked) for blocked in (False, True))
        yield (f"Text GAN: Write to the table of the three writers' lines (8 each, median of {TRIALS}), in the page",
               f"{in_page:.0f} ms", f"the server writes: {on_server:.0f} ms", f"{on_server / in_page:.1f}x as fast")
        in_page, on_server = text_written(context, client.src, False), text_written(context, client.src, True)
        yield (f"Text: {WRITE_LENGTH:,} characters written after Write (median of {TRIALS}), in the page",
               f"first character {in_page['first']:.1f} ms after Write, then {in_page['perSecond']:,.0f} characters/s",
               f"the server writes: first character {on_server['first']:.0f} ms, then "
               f"{on_server['perSecond']:,.0f} characters/s", f"{in_page['perSecond'] / on_server['perSecond']:.1f}x the characters a second")
        steps = lstm_steps(context, client.src)
        yield (f"Text: one step of the character LSTM, a character on the carried state (median of {TRIALS} x "
               f"{STEPS:,}), in the page", f"{1000 * steps['page']:.0f} µs: at most {1000 / steps['page']:,.0f} characters/s",
               f"torch's fused step, as the server writes: {1000 * steps['torch']:.0f} µs on one thread, "
               f"{1000 * steps['torch_2']:.0f} µs on two", f"{steps['torch'] / steps['page']:.2f}x torch's one thread")
        browser.close()
