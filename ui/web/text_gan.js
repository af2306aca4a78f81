// The Text GAN tab in the page: Write (or New seed) writes lines from the GAN's generator, from the same
// generator before adversarial training and from the character LSTM, each an LSTM's step graph run by ONNX
// Runtime Web as genlab.inference.three_writers writes them on the server (the seed's own draws, lstm.js's
// sampleLines; the LSTM's lines of verse as genlab.core.lines.lm_lines picks them), measures each set as
// line_statistics does (the LSTM's nats per character, distinct 4-grams, mean length) and puts the table
// into the tab's block through a listener that runs in the page alone (ui/text_gan.py's SHOW_LINES). Where
// the page cannot run the models, the buttons ask the server (the component's input event; submit for a new
// seed), as before. A browser test holds the page's table to the server's.
//
// What's happening's figures, the GAN's critic's scores of the first lines of the GAN and of its copy from before
// adversarial training, come from the critic's graph, when the Measure button asks and after another model is chosen
// (then the table is written again too).
//
// The spec (the component's value) is ui/text_gan.py's TextGanSpec. window.genlab.textgan is the table shown
// last.

import { fixed } from './digit.js';
import { numberIn, onClick, setNumber } from './knobs.js';
import { fill, given, graphsWhenShown, measuresIn } from './live.js';
import { lineNats, sampleLines, WHITESPACE } from './lstm.js';
import { run, session } from './runtime.js';
import { escape } from './text_write.js';

const NAME = 'text-gan';
const TRIES = 8, STRIDE = 7919, SEEDS = 2 ** 32; // lm_lines: tries, and how far apart their seeds are
const STRIPPED = new RegExp(`^${WHITESPACE.source}|${WHITESPACE.source}$`, 'g'); // what Python's str.strip() takes off
window.genlab.readings ??= {};

export function start({ element, props, trigger, watch }) {
  const notice = element.querySelector('.genlab-notice');
  let spec = given(NAME, props.value);
  let writers = null; // [{ name, session, layers, hidden }] once loaded, else the server writes

  let loads = 0;
  async function load() {
    writers = null;
    const mine = ++loads;
    writers = await graphsWhenShown({
      element, name: NAME, notice, spec, current: () => spec, ready: spec.writers.length > 0, serverDoes: 'writes the lines',
      make: () => Promise.all(spec.writers.map(async (writer) => ({ ...writer, session: await session(writer.graph) }))),
    });
    if (writers && mine === loads && mine > 1) { // another model: its lines, and What's happening's figures of them
      await write('input');
      if (spec.critic) {
        window.genlab.readings.textGanWords = await measure();
        trigger('blur');
      }
    }
  }

  const measure = measuresIn('textgan', async () => { // What's happening's figures: the critic's scores of the lines
    if (!writers || !spec.critic) throw new Error('genlab: the server measures these lines');
    return criticWords(writers, await session(spec.critic), spec);
  });

  async function write(serverEvent, before = () => {}) {
    if (!writers) return trigger(serverEvent);
    before();
    window.genlab.textgan = await table(writers, spec);
    trigger('select');
  }

  onClick(spec.buttons.write, () => write('input'));
  onClick(spec.buttons.new_seed, () => write('submit', () => setNumber(spec.knobs.seed, crypto.getRandomValues(new Uint32Array(1))[0])));
  watch('value', () => {
    spec = given(NAME, props.value);
    load();
  });
  load();
}

// The three sets of lines side by side with their measurements (ui/text_gan.py's comparison_html), or the
// server's refusal of the knobs.
async function table(writers, spec) {
  const { vocab, max_chars: maxChars } = spec;
  const { wrong, lines, temperature, seed } = knobsOf(spec);
  if (wrong) return `⚠ ${wrong}`;
  const judge = judgeOf(writers, spec);
  const written = [];
  for (const writer of writers) {
    const drawn = writer === judge ? await verseLines(writer, vocab, maxChars, lines, temperature, seed)
      : await sampleLines(writer, vocab, lines, maxChars, temperature, seed);
    written.push({ name: writer.name, lines: drawn, statistics: await statistics(drawn, judge, vocab) });
  }
  return comparisonHtml(written);
}

// The knobs' lines from each, temperature and seed, or `wrong`: the server's refusal of them.
function knobsOf({ knobs, words, max_count: maxCount, max_seed: maxSeed }) {
  const count = numberIn(knobs.count), temperature = numberIn(knobs.temperature), seed = numberIn(knobs.seed);
  let wrong = null;
  if (!(Number.isFinite(count) && count >= 1 && count <= maxCount)) wrong = words.count;
  else if (!(Number.isFinite(temperature) && temperature > 0)) wrong = words.temperature;
  else if (!(Number.isInteger(seed) && seed >= 0 && seed <= maxSeed)) wrong = `A seed is a whole number from 0 to ${maxSeed}.`;
  return { wrong, lines: Math.trunc(count), temperature, seed };
}

function judgeOf(writers, spec) { // the character LSTM, which writes lines of verse and judges every line
  return spec.judge && writers.find((writer) => writer.graph === spec.judge.graph);
}

// What's happening's words (ui.whats_happening.text_gan_words, as ui/text_gan.py's explain scores the lines): the
// critic's score of the first lines the GAN and its copy from before adversarial training write with the knobs.
async function criticWords(writers, critic, spec) {
  const { vocab, max_chars: maxChars, figures: words } = spec;
  const { wrong, lines, temperature, seed } = knobsOf(spec);
  if (wrong) return `${words.formula}\n\n⚠ ${wrong}`;
  const rows = [];
  for (const writer of writers.filter((each) => each !== judgeOf(writers, spec))) {
    const drawn = (await sampleLines(writer, vocab, lines, maxChars, temperature, seed)).slice(0, words.scored);
    const scores = await run(critic, { onehots: { data: onehots(drawn, vocab, maxChars + 1), dims: [drawn.length, maxChars + 1, vocab.length] } }, 'score');
    drawn.forEach((line, i) => rows.push(fill(words.row, { who: writer.name, line, score: fixed(scores[i], 2) })));
  }
  return `${words.formula}\n\n${fill(words.read, { rows: rows.join('\n') })}`;
}

// Lines as the critic reads them (genlab.inference.objectives.critic_scores): each character the model knows, then
// the newline that ends the line, one-hot, in `width` positions (zeros after the end, the rest cut).
function onehots(lines, vocab, width) {
  const V = vocab.length, data = new Float32Array(lines.length * width * V);
  lines.forEach((line, i) => {
    const ids = [...line].filter((char) => vocab.includes(char)).map((char) => vocab.indexOf(char));
    [...ids, vocab.indexOf('\n')].slice(0, width).forEach((id, t) => { data[(i * width + t) * V + id] = 1; });
  });
  return data;
}

// Lines of verse from the character LSTM (genlab.core.lines.lm_lines): four times as many lines as asked for
// at a try, kept if 2 to max_chars characters long and not a speaker's tag, up to TRIES tries.
async function verseLines(writer, vocab, maxChars, count, temperature, seed) {
  const kept = [];
  for (let attempt = 0; attempt < TRIES && kept.length < count; attempt++) {
    const drawn = await sampleLines(writer, vocab, 4 * count, maxChars, temperature, (seed + attempt * STRIDE) % SEEDS);
    kept.push(...drawn.filter((line) => [...line].length >= 2 && [...line].length <= maxChars && !isSpeaker(line.replace(STRIPPED, ''))));
  }
  return kept.slice(0, count);
}

// A play's speaker tag, "First Citizen:" (genlab.core.lines.is_speaker).
export function isSpeaker(line) {
  const words = line.slice(0, -1).split(WHITESPACE).filter(Boolean);
  const upper = (char) => char !== char.toLowerCase() && char === char.toUpperCase();
  return line.endsWith(':') && words.length > 0 && words.length <= 4 && words.every((word) => upper(word[0]));
}

// How a set of lines reads (genlab.core.lines.line_statistics), rounded as it rounds them: the judge's nats
// per character (where there is a judge), distinct 4-grams, mean length.
async function statistics(lines, judge, vocab) {
  const chars = lines.reduce((total, line) => total + [...line].length, 0);
  const measured = { mean_chars: round(chars / Math.max(1, lines.length), 2), distinct_4: round(distinct(lines, 4), 4) };
  if (judge) {
    const nats = await lineNats(judge, vocab, lines);
    measured.judge_nats_per_char = round(nats.reduce((a, b) => a + b, 0) / (chars + lines.length), 4);
  }
  return measured;
}

function round(x, digits) { // Python's round(x, digits)
  return Number(fixed(x, digits));
}

function distinct(lines, n) {
  const grams = lines.flatMap((line) => {
    const chars = [...line];
    return Array.from({ length: Math.max(0, chars.length - n + 1) }, (_, i) => chars.slice(i, i + n).join(''));
  });
  return new Set(grams).size / Math.max(1, grams.length);
}

export function comparisonHtml(written) {
  const head = written.map(({ name }) => `<th>${escape(name)}</th>`).join('');
  const rows = Array.from({ length: Math.max(...written.map(({ lines }) => lines.length)) }, (_, i) => `<tr>${written
    .map(({ lines }) => `<td><code>${i < lines.length ? escape(lines[i]) : ''}</code></td>`).join('')}</tr>`);
  const measured = (stats) => `${'judge_nats_per_char' in stats ? `${fixed(stats.judge_nats_per_char, 2)} nats/char to the LSTM<br>` : ''}`
    + `distinct 4-grams ${fixed(100 * stats.distinct_4, 0)}%, mean ${fixed(stats.mean_chars, 0)} chars`;
  const foot = written.map(({ statistics }) => `<td><small>${measured(statistics)}</small></td>`).join('');
  return `<table class="lines"><tr>${head}</tr>${rows.join('')}<tr>${foot}</tr></table>`;
}
