// A picture that follows some controls at display rate: drawn in the page by a model run with ONNX
// Runtime Web when it can be, else asked of the server (the tab's own Gradio event, triggered from
// here, which draws into the server's picture). Either way one drawing is in flight at a time and
// the next one uses the controls' latest values, so a fast drag never queues stale work.
//
// window.genlab.modes[name] says how the picture is drawn now ('page' or 'server'), and
// window.genlab.graphs[name] which graph the page draws with;
// window.genlab.stats[name] lists, per picture shown, when the input that asked for it happened and
// when the picture was drawn (performance.now() milliseconds), and how: the browser benchmark reads it;
// window.genlab.specs[name] is the spec the picture was given last, and window.genlab.read[name] the
// names of the spec's fields the page has read: a browser test holds them to the Python record.

import { session } from './runtime.js';

window.genlab ??= { stats: {}, modes: {}, graphs: {}, specs: {}, read: {} };

const SERVER_TIMEOUT_MS = 3000; // a server answer that never shows (an error toast, the same picture again) frees the line

// Starts a tab's live picture. The spec (the live component's value: the JSON of a LiveSpec record,
// ui/web.py, whose fields are named as the page reads them) names the graphs to fetch (spec[graph] is a
// url, or null), the sliders it follows (spec.sliders: ids of Gradio slider blocks), the server's
// picture blocks (spec.server_blocks) and, in spec.why, why the page cannot run the model, if it cannot.
//   values(spec): the numbers the picture depends on now;
//   draw(sessions, spec, values): draws them in the page (async);
//   onFrame(spec, values): anything else a tab redraws every frame (the explorer's map marker);
//   askServer(): triggers the server's drawing (the component's input event unless said);
//   drawnWithSpec: whether a new spec comes with the server's picture of it (else the server is asked);
//   serverMovesNothing: no server answer moves the controls, so any change of values is the person's
//     and is drawn by the server too where the page cannot draw (else only slider inputs are).
// Returns the Live, so a tab can ask for a drawing on other input too (the explorer's map); live.spec()
// is the spec now.
export function startLive({ name, element, props, trigger, watch, graphs, values, draw, onFrame = () => {},
                            askServer = () => trigger('input'), drawnWithSpec = true, serverMovesNothing = false,
                            pageBlocks = () => [] }) {
  let spec = given(name, props.value);
  let sessions = null;
  let shown = ''; // the values last drawn, to notice the server moving the sliders
  const live = new Live({
    name, element, askServer, pageBlocks: () => pageBlocks(spec),
    serverBlocks: () => spec.server_blocks, valuesNow: () => values(spec).join(),
    async drawInPage() {
      if (!sessions) return false; // loading: load() asks again once it can draw
      const now = values(spec);
      shown = now.join();
      await draw(sessions, spec, now);
      return true;
    },
  });

  async function load(first) {
    sessions = null; // nothing is drawn in the page until the new graphs are loaded
    const serverDrew = first || drawnWithSpec; // the server sent its picture of the spec's values
    if (serverDrew) live.setMode('server'); // else the page's last picture stays until the new one
    live.asked = serverDrew ? values(spec).join() : null;
    if (!spec[graphs[0]]) { // the model itself; the others (the CNN that reads) may be missing
      live.setMode('server', spec.why);
      live.changed();
      return;
    }
    try {
      const loading = spec;
      const made = await Promise.all(graphs.map((graph) => spec[graph] && session(spec[graph])));
      if (spec !== loading) return; // another model was chosen meanwhile: its own load goes on
      sessions = Object.fromEntries(graphs.map((graph, i) => [graph, made[i]]));
      window.genlab.graphs[name] = spec[graphs[0]];
      performance.mark(`genlab:${name}:sessions`);
      live.setMode('page');
      live.changed();
    } catch (error) {
      console.error(`genlab: the ${name} model did not load in the page`, error);
      live.setMode('server', cannotRun('draws the pictures'));
      live.changed();
    }
  }

  onSliderInput(() => spec.sliders, (event) => live.changed(event.timeStamp));
  live.spec = () => spec;
  live.sessions = () => sessions; // the graphs' sessions once loaded, else null
  (function follow() { // the server moves the sliders too (a random sample, a reset, a click): follow it
    const now = values(spec);
    if (live.mode === 'page' && sessions && !live.busy && now.join() !== shown) live.changed();
    if (live.mode === 'server' && serverMovesNothing && !live.busy && live.asked !== null && now.join() !== live.asked) live.changed();
    onFrame(spec, now);
    requestAnimationFrame(follow);
  })();
  watch('value', () => {
    spec = given(name, props.value);
    load(false);
  });
  load(true);
  return live;
}

// The spec in a live component's value, as the page reads it: every field read is noted in
// window.genlab.read[name], so a field that one side renames shows as read but never given.
export function given(name, value) {
  const spec = JSON.parse(value);
  const read = (window.genlab.read[name] ??= new Set());
  window.genlab.specs[name] = spec;
  return new Proxy(spec, { get: (target, field) => { if (typeof field === 'string') read.add(field); return target[field]; } });
}

// A template from a spec's words with its named fields filled, as Python's str.format fills '{name}'.
export function fill(template, values) {
  return Object.entries(values).reduce((text, [name, value]) => text.replaceAll(`{${name}}`, value), template);
}

export class Live {
  constructor({ name, element, serverBlocks, valuesNow, drawInPage, askServer, pageBlocks = () => [] }) {
    Object.assign(this, { name, element, serverBlocks, valuesNow, drawInPage, askServer, pageBlocks });
    this.asked = null; // the values the server was last asked to draw
    this.busy = false;
    this.wanted = null; // the time of the newest input not yet drawn
    this.notice = element.querySelector('.genlab-notice');
    window.genlab.stats[name] = [];
    this.setMode('server');
  }

  // 'page' shows the page's own picture and hides the server's; 'server' the other way round. A reason
  // for drawing on the server is said once, in the notice line.
  setMode(mode, why = '') {
    this.mode = mode;
    noteMode(this.name, this.element, mode);
    // The server's blocks hide while the page draws, and the page's own blocks outside its element (an upload box)
    // while the server does.
    hideBlocks(this.element, mode === 'page' ? this.serverBlocks() : this.pageBlocks());
    if (why && this.notice && !this.notice.textContent) this.notice.textContent = why;
  }

  // Something the picture depends on changed at `inputAt` (an event's timeStamp, or now).
  changed(inputAt = performance.now()) {
    this.wanted = inputAt;
    if (!this.busy) this.drawNext();
  }

  async drawNext() {
    this.busy = true;
    while (this.wanted !== null) {
      const inputAt = this.wanted;
      this.wanted = null;
      try {
        if (this.mode === 'page') {
          if (await this.drawInPage()) this.record(inputAt, 'page');
        } else {
          await this.fromServer(inputAt);
        }
      } catch (error) {
        console.error(`genlab: drawing in the page failed (${this.name})`, error);
        this.setMode('server', cannotRun('draws the pictures', 'The page could not run this model'));
        this.wanted ??= inputAt;
      }
    }
    this.busy = false;
  }

  record(inputAt, how) {
    window.genlab.stats[this.name].push({ inputAt, drawnAt: performance.now(), how });
  }

  // Ask the server and wait until its picture has arrived (or the wait times out); values it has
  // drawn already are not asked for again (the same picture would never show as an arrival). The page
  // watches for the server's picture only while it waits for one.
  fromServer(inputAt) {
    const values = this.valuesNow();
    if (values === this.asked) return Promise.resolve();
    this.asked = values;
    const picture = () => document.getElementById(this.serverBlocks()[0])?.querySelector('img');
    const before = picture()?.src;
    return new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        const image = picture();
        if (!image || image.src === before) return;
        observer.disconnect();
        image.decode().catch(() => {}).then(() => { this.record(inputAt, 'server'); done(); });
      });
      const timer = setTimeout(() => { observer.disconnect(); done(); }, SERVER_TIMEOUT_MS);
      function done() { clearTimeout(timer); resolve(); }
      observer.observe(document.getElementById(this.serverBlocks()[0]) ?? document.body,
                       { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
      setTimeout(() => this.askServer(), 0); // after Gradio's own listeners have taken the new value
    });
  }
}

// The value of each Gradio slider whose block has one of these ids (NaN for one not on the page).
export function sliderValues(ids) {
  return ids.map((id) => parseFloat(document.querySelector(`#${id} input[type=range]`)?.value));
}

// Calls back for every input event on one of the Gradio sliders ids() names (drag, arrow keys, typing).
function onSliderInput(ids, callback) {
  document.addEventListener('input', (event) => {
    if (ids().some((id) => event.target.closest?.(`#${id}`))) callback(event);
  }, true);
}

// What a tab says where the page cannot run its model: the server `does` the work instead, in the Gradio page; the
// static site (ui/web/shell.js) has no server to ask, so it says what would run it.
export function cannotRun(does, what = 'This browser could not run the model') {
  return window.genlabSite ? `${what}, and this page has no server to do it instead: open it in a browser that runs `
    + 'WebAssembly (a recent Chrome, Edge, Firefox or Safari).' : `${what}, so the server ${does}.`;
}

// Lets the browser paint and handle what waits (input, a click on Stop), then goes on: ONNX Runtime
// answers in microtasks, so a page module that runs one graph after another must yield to be seen and
// heard. A message is a task behind those (scheduler.yield would go before them; a timer waits 4 ms).
export function nextTask() {
  return new Promise((done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done();
    channel.port2.postMessage(null);
  });
}

// Hides the blocks of these ids (and shows the ones a module's element hid before): by a style rule of the element's,
// as Gradio mounts a closed accordion's blocks only once it opens, which a block's own style would miss.
function hideBlocks(element, ids) {
  element.genlabHiding ??= document.head.appendChild(document.createElement('style'));
  element.genlabHiding.textContent = ids.length ? `${ids.map((id) => `#${id}`).join(', ')} { display: none !important; }` : '';
}

// Where a module draws now: in window.genlab.modes, and on its element (inside the component's own CSS scope),
// where ui/web/choices.js reads it.
function noteMode(name, element, mode) {
  window.genlab.modes[name] = mode;
  (element.querySelector('.genlab-live') ?? element).dataset.mode = mode;
}

// What's happening's figures of what a module shows, as its Measure button asks for them (ui/whats_happening.py's
// measured): `measure` gives the words, written in the page, or throws where it cannot (the model is not running in the
// page, or it has not the graph the figures need), and the server measures instead. It returns the measure the page
// itself calls too (after another model is chosen). window.genlab.measured[name] is what the page measured last.
export function measuresIn(name, measure) {
  return ((window.genlab.measures ??= {})[name] = async () => {
    const words = await measure();
    (window.genlab.measured ??= {})[name] = words;
    return words;
  });
}

// Whether the What's happening under an element's tab is open: Gradio mounts a closed accordion's blocks only once it
// opens, so figures that need a graph of their own wait for it (whatsHappeningOpens).
export function whatsHappeningOpen(element) {
  const tab = element.closest('[role=tabpanel]');
  return !tab || Boolean(tab.querySelector('.whats-happening-live')?.checkVisibility());
}

export function whatsHappeningOpens(element) {
  return new Promise((open) => (function check() {
    if (whatsHappeningOpen(element)) open(); else requestAnimationFrame(check);
  })());
}

// Resolves once the element is shown (its tab opened), scrolled to or not: a graph is fetched only for a
// tab a visitor opens.
export function shown(element) {
  return new Promise((resolve) => (function check() {
    if (element.checkVisibility()) resolve();
    else requestAnimationFrame(check);
  })());
}

// The graphs of a page module that acts when a button is pressed (Sentences, Text GAN), made (`make()`) once its
// element is shown: then window.genlab.modes[name] is 'page' and the server blocks the spec names are hidden (the
// results go into the server's own blocks). Null, in the mode 'server' with the notice saying why, where the spec
// is not `ready` (no graph to run) or they cannot load; null too where another spec came meanwhile (`current()`),
// whose own load goes on.
export async function graphsWhenShown({ element, name, notice, spec, current, ready, make, serverDoes }) {
  noteMode(name, element, 'server');
  if (!ready) {
    notice.textContent = spec.why;
    return null;
  }
  await shown(element);
  try {
    const made = await make();
    if (current() !== spec) return null;
    noteMode(name, element, 'page');
    hideBlocks(element, spec.server_blocks);
    return made;
  } catch (error) {
    console.error(`genlab: the ${name} models did not load in the page`, error);
    notice.textContent = cannotRun(serverDoes);
    return null;
  }
}
