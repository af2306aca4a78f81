// The Text tab's writing in the page: Write continues the prompt with the character LSTM run by ONNX
// Runtime Web (lstm.js), the text growing in the page's own box as it is written, at full speed or at
// the pace a person can watch (each character with the chances it was drawn from); Stop stops it. The
// graph is fetched when the tab is first shown. Until it is loaded, or where it cannot run, Write asks
// the server (the component's input event), which streams into the server's box, as before.
//
// The spec (the component's value) is ui/text.py's WriterSpec record, its fields named as read here.
// window.genlab.texts.write is the last writing: its settings, text, when Write was pressed, the first
// character was written and the last was (performance.now() milliseconds), and whether it is done, for
// tests and benchmarks.

import { checkedIn, choiceIn, numberIn, onClick, textIn } from './knobs.js';
import { given, Live, nextTask } from './live.js';
import { lstmWhenShown, notice, readPrompt, write } from './lstm.js';

const NAME = 'text';
const YIELD_MS = 12; // the longest the writing keeps the page busy before it lets it handle input (Stop)
const PAINT_MS = 50; // between the text's updates on screen at full speed, as the server streams it (ui/text.py's
// STREAM_EVERY): each update lays the whole text out again, and at every yield that slowed the writing
window.genlab.texts ??= {};

export function start({ element, props, trigger, watch }) {
  let spec = given(NAME, props.value);
  let lstm = null; // the graph's session, once loaded
  let writing = 0; // the number of the writing under way: a new Write or Stop ends the one before
  const box = element.querySelector('textarea');
  const note = element.querySelector('.genlab-note');
  const choice = element.querySelector('.genlab-choices');
  const live = new Live({ name: NAME, element, serverBlocks: () => spec.server_blocks, valuesNow: () => '',
                          askServer: () => trigger('input'), drawInPage: async () => false });

  async function load() { // until it resolves the page is in the server's mode: Write asks the server
    lstm = await lstmWhenShown(element, live, spec, 'writes');
  }

  async function writeInPage() {
    const mine = ++writing;
    const pressed = performance.now();
    const settings = sampling(spec);
    note.textContent = settings.wrong ?? '';
    if (settings.wrong) return;
    const prompt = readPrompt(textIn(spec.knobs.prompt), spec.vocab);
    let text = prompt.text, step = 0, firstAt = null;
    box.value = text;
    choice.innerHTML = '';
    note.textContent = notice(prompt);
    const record = { settings, pressed, text, firstAt, lastAt: null };
    window.genlab.texts.write = record;
    const paint = () => { box.value = text; box.scrollTop = box.scrollHeight; };
    let yielded = performance.now(), painted = -Infinity;
    for await (const { char, drawnFrom } of write(lstm, spec, prompt.text, settings, () => mine !== writing)) {
      text += char;
      step += 1;
      firstAt ??= performance.now();
      Object.assign(record, { text, firstAt, lastAt: performance.now() });
      if (settings.pace === spec.watch) {
        paint();
        choice.innerHTML = choiceHtml(step, char, drawnFrom, spec.vocab);
        await new Promise((done) => setTimeout(done, spec.watch_ms));
      } else if (step === 1 || performance.now() - yielded > YIELD_MS) {
        if (performance.now() - painted > PAINT_MS) {
          paint();
          painted = performance.now();
        }
        await nextTask(); // the runtime answers in microtasks: without this the page would not paint, nor hear Stop
        yielded = performance.now();
      }
    }
    if (mine === writing) paint();
    record.done = true;
  }

  onClick(spec.buttons.write, () => {
    if (live.mode === 'page') writeInPage();
    else trigger('input');
  });
  onClick(spec.buttons.stop, () => { writing += 1; }); // the server's writing is cancelled by the button's own event
  watch('value', () => {
    spec = given(NAME, props.value);
    writing += 1;
    load();
  });
  load();
}

// The sampling settings of the tab's controls (genlab.inference.writer.sampling_from), with `wrong` set
// to what the server would say of a value it refuses.
function sampling(spec) {
  const { knobs } = spec;
  const settings = {
    temperature: numberIn(knobs.temperature), topK: numberIn(knobs.top_k), topP: numberIn(knobs.top_p),
    length: numberIn(knobs.length), seed: numberIn(knobs.seed), greedy: checkedIn(knobs.greedy), pace: choiceIn(knobs.pace),
  };
  const whole = (value) => Number.isInteger(value);
  if (!(settings.temperature >= 0.05 && settings.temperature <= 2)) settings.wrong = 'Temperature must be a number from 0.05 to 2.';
  else if (!(whole(settings.topK) && settings.topK >= 0 && settings.topK <= 100)) settings.wrong = 'Top-k must be a whole number from 0 to 100.';
  else if (!(settings.topP >= 0.05 && settings.topP <= 1)) settings.wrong = 'Top-p must be a number from 0.05 to 1.';
  else if (!(whole(settings.length) && settings.length >= 1 && settings.length <= spec.max_length)) {
    settings.wrong = `The number of characters must be a whole number from 1 to ${spec.max_length}.`;
  } else if (!(whole(settings.seed) && settings.seed >= 0 && settings.seed <= spec.max_seed)) {
    settings.wrong = `The seed must be a whole number from 0 to ${spec.max_seed}.`;
  }
  return settings;
}

// One step of slow writing: the character drawn, and the likeliest ones it was drawn from, as bars
// (ui/text.py's choice_html).
function choiceHtml(step, char, drawnFrom, vocab, top = 6) {
  const order = [...drawnFrom.keys()].sort((a, b) => drawnFrom[b] - drawnFrom[a]).slice(0, top);
  const rows = order.map((id) => `<div class="genlab-choice${vocab[id] === char ? ' chosen' : ''}"><code>${escape(shownChar(vocab[id]))}`
    + `</code><span style="width:${Math.round(100 * drawnFrom[id])}%"></span>${drawnFrom[id].toFixed(3)}</div>`).join('');
  return `<p>Character ${step}: drew <code>${escape(shownChar(char))}</code> (chance `
    + `${drawnFrom[vocab.indexOf(char)].toFixed(3)}) from these chances:</p>${rows}`;
}

export function shownChar(char) {
  return { '\n': '⏎', ' ': '␣' }[char] ?? char;
}

export function escape(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' }[c]));
}
