// The Text tab's look inside, in the page: as the prompt is typed, the character LSTM (lstm.js) reads it
// (only what changed, from the last state kept before the edit) and the page shows the likeliest next
// characters and each prompt character shaded by how surprising it was, in ui/text.py's words and
// markup. Until the graph is loaded, or where it cannot run, the server does (the component's input event).
// What's happening's figures of the prompt come from the same reading, when its Measure button asks and after
// another model is chosen (into its block through the component's select event, in the page alone).
//
// The spec (the component's value) is ui/text.py's InsideSpec record, its fields named as read here.
// window.genlab.texts.inside is what is shown: the prompt read, its surprisals and the candidates.

import { fixed } from './digit.js';
import { numberIn, textIn } from './knobs.js';
import { fill, given, Live, measuresIn } from './live.js';
import { logSoftmax, lstmWhenShown, pythonRepr, readerFor, readPrompt } from './lstm.js';
import { escape, shownChar } from './text_write.js';

const NAME = 'text-inside';
window.genlab.texts ??= {};
window.genlab.readings ??= {};

export function start({ element, props, trigger, watch }) {
  let spec = given(NAME, props.value);
  let reader = null;
  const candidates = element.querySelector('.genlab-candidates');
  const surprise = element.querySelector('.genlab-surprise');
  let asked = null; // the prompt last shown or asked for
  let cannot = false; // the page cannot run this model: the server looks inside
  const live = new Live({ name: NAME, element, serverBlocks: () => spec.server_blocks, valuesNow: () => '',
                          askServer: () => trigger('input'), drawInPage: async () => false });

  let loads = 0;
  async function load() {
    reader = null;
    cannot = false;
    const mine = ++loads;
    const lstm = await lstmWhenShown(element, live, spec, 'looks inside');
    cannot = lstm === null;
    reader = lstm && readerFor(lstm, spec);
    if (!reader || mine !== loads) return;
    asked = null; // read the prompt on screen with this model
    if (mine > 1) { // another model: What's happening's figures are of the one before (the first's came with the page)
      window.genlab.readings.textWords = await measure();
      trigger('select');
    }
  }

  const measure = measuresIn('text', async () => { // What's happening's figures of the prompt on screen
    if (live.mode !== 'page' || !reader) throw new Error('genlab: the server measures this prompt');
    const read = readPrompt(textIn(spec.prompt), spec.vocab);
    const { logProbs, last } = await reader.read(read.ids);
    return textWords(spec.words, spec.vocab, read.text, logProbs, last, numberIn(spec.temperature));
  });

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

// What's happening's words for a prompt (ui.whats_happening.text_words of genlab.inference.writer.insight and
// genlab.inference.objectives.next_chances): its mean surprisal (each character's to 1e-4, as insight rounds it) and
// the likeliest next characters' chances as the model gives them and at the temperature (1 where it is out of range).
export function textWords(words, vocab, text, logProbs, last, temperature) {
  if (!text) return `${words.formula}\n\n${words.empty}`;
  const surprisal = [...text].map((_, i) => Math.round(-logProbs[i] * 1e4) / 1e4);
  const mean = surprisal.reduce((sum, nats) => sum + nats, 0) / surprisal.length;
  const T = temperature > 0 && temperature <= 2 ? temperature : 1;
  const logP = logSoftmax(last);
  const atT = logSoftmax(logP.map((value) => value / T)).map(Math.exp);
  const rows = [...logP.keys()].sort((a, b) => logP[b] - logP[a]).slice(0, 8).map((id) => fill(words.row, {
    char: shownChar(vocab[id]), p: fixed(Math.exp(logP[id]), 3), p_t: fixed(atT[id], 3) }));
  return `${words.formula}\n\n${fill(words.read, {
    mean: fixed(mean, 2), perplexity: fixed(Math.exp(mean), 1), temperature: String(Number(T.toPrecision(6))), rows: rows.join('\n') })}`;
}
