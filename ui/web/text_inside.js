// The Text tab's look inside, in the page: as the prompt is typed, the character LSTM (lstm.js) reads it
// (only what changed, from the last state kept before the edit) and the page shows the likeliest next
// characters and each prompt character shaded by how surprising it was, in ui/text.py's words and
// markup. Until the graph is loaded, or where it cannot run, the server does (the component's input event).
//
// The spec (the component's value) is ui/text.py's InsideSpec record, its fields named as read here.
// window.genlab.texts.inside is what is shown: the prompt read, its surprisals and the candidates.

import { fixed } from './digit.js';
import { textIn } from './knobs.js';
import { given, Live } from './live.js';
import { logSoftmax, lstmWhenShown, pythonRepr, readerFor, readPrompt } from './lstm.js';
import { escape } from './text_write.js';

const NAME = 'text-inside';
window.genlab.texts ??= {};

export function start({ element, props, trigger, watch }) {
  let spec = given(NAME, props.value);
  let reader = null;
  const candidates = element.querySelector('.genlab-candidates');
  const surprise = element.querySelector('.genlab-surprise');
  let asked = null; // the prompt last shown or asked for
  let cannot = false; // the page cannot run this model: the server looks inside
  const live = new Live({ name: NAME, element, serverBlocks: () => spec.server_blocks, valuesNow: () => '',
                          askServer: () => trigger('input'), drawInPage: async () => false });

  async function load() {
    reader = null;
    cannot = false;
    const lstm = await lstmWhenShown(element, live, spec, 'looks inside');
    cannot = lstm === null;
    reader = lstm && readerFor(lstm, spec);
    if (reader) asked = null; // read the prompt on screen with this model
  }

  async function show(prompt) {
    const read = readPrompt(prompt, spec.vocab);
    const { logProbs, last } = await reader.read(read.ids);
    if (textIn(spec.prompt) !== prompt) return; // typed on meanwhile: the next frame shows that
    const surprisal = [...read.text].map((char, i) => [char, Math.round(-logProbs[i] * 1e4) / 1e4]);
    const next = logSoftmax(last).map(Math.exp);
    const top = [...next.keys()].sort((a, b) => next[b] - next[a]).slice(0, spec.top)
      .map((id) => [spec.vocab[id], Math.round(next[id] * 1e4) / 1e4]);
    candidates.innerHTML = candidatesHtml(top);
    surprise.innerHTML = surprisalHtml(surprisal, spec.surprise_scale);
    window.genlab.texts.inside = { prompt, surprisal, candidates: top, next };
  }

  (async function follow() { // the prompt as it is now, read once it changes
    const prompt = textIn(spec.prompt);
    if (prompt !== asked) {
      asked = prompt;
      if (live.mode === 'page') await show(prompt).catch((error) => console.error('genlab: look inside failed', error));
      else if (cannot) trigger('input');
    }
    requestAnimationFrame(follow);
  })();
  watch('value', () => {
    spec = given(NAME, props.value);
    load();
  });
  load();
}

// The likeliest next characters as bars (what the server's gr.Label shows).
function candidatesHtml(top) {
  const named = (char) => ({ '\n': '⏎ newline', ' ': '␣ space' }[char] ?? char);
  return top.map(([char, p]) => `<div class="genlab-candidate"><span>${escape(named(char))}</span>`
    + `<meter min="0" max="1" value="${p}"></meter><span>${Math.round(100 * p)}%</span></div>`).join('');
}

// The prompt with each character shaded by its surprisal (ui/text.py's surprisal_html, the same markup).
function surprisalHtml(pairs, scale) {
  if (!pairs.length) return '<p><i>Type a prompt to see how surprising each character is to the model.</i></p>';
  const spans = pairs.map(([char, nats]) => {
    const alpha = fixed(Math.min(1, nats / scale), 2);
    const shownChar = char === '\n' ? '⏎<br>' : escape(char).replaceAll(' ', '&nbsp;');
    const value = escape(`${pythonRepr(char)}: ${fixed(nats, 2)} nats`);
    return `<span title="${value}" data-value="${value}" tabindex="0" style="background:rgba(230,60,40,${alpha})">${shownChar}</span>`;
  });
  const mean = pairs.reduce((sum, [, nats]) => sum + nats, 0) / pairs.length;
  return `<div class="surprisal">${spans.join('')}</div><p>Mean surprisal ${fixed(mean, 2)} nats `
    + `(${fixed(mean / Math.LN2, 2)} bits) per character; redder is more surprising. Hover or tap a character for its value.</p>`;
}
