// The GAN sampler's grid drawn in the page: the seed's noise (seeds.js, the server's own numbers), the
// generator, and under each sample the CNN's reading or the discriminator's chance that it is real, all
// run by ONNX Runtime Web; as many columns as the width holds, so a phone's captions stay readable.
// Every control redraws it at once: seed, samples, truncation, digit, what goes under each sample, and
// the buttons (Sample, New seed, Same noise, every digit); while a slider is dragged the samples follow
// it and what is read under them comes once it rests. A click on a sample starts the live walk there.
// Until the graphs are loaded, or where they cannot run, the server draws the grid (see live.js): the
// component's input event draws the grid of the controls, its submit event the every-digit grid.
//
// The spec (the component's value) is ui/sample.py's GridSpec record, its fields named as read here.
// window.genlab.grids.gan is what the grid shows now (its values, captions, summary, columns and the
// samples' pixels), for the browser tests to hold to the server's.

import { CAPTION, CELL, fixed, gridFor, paintCaptioned, readings, SIDE } from './digit.js';
import { choiceIn, numberIn, onClick, setNumber } from './knobs.js';
import { fill, measuresIn, startLive } from './live.js';
import { gaussian } from './seeds.js';
import { run } from './runtime.js';
import { firstDigits } from './test_digits.js';

const REST_MS = 150; // a slider still this long has come to rest: the CNN reads what it shows
const SAMPLES = 'samples', EVERY_DIGIT = 'every digit'; // what the grid shows: the controls' samples, or the same noise as every digit

window.genlab.grids ??= {};
window.genlab.readings ??= {};

export function start({ element, props, trigger, watch }) {
  const canvas = element.querySelector('canvas');
  const summary = element.querySelector('.genlab-reading');
  const notice = element.querySelector('.genlab-notice');
  let mode = SAMPLES;
  let shown = null; // what is drawn: { images, captions, n, columns }
  let lastDrawAt = -Infinity, resting = null; // a drawing soon after another is a drag's: read once it rests
  const live = startLive({
    name: 'gan-grid', element, props, trigger, watch, graphs: ['generator', 'reader', 'judge'],
    drawnWithSpec: false, serverMovesNothing: true,
    askServer: () => trigger(mode === EVERY_DIGIT ? 'submit' : 'input'),
    values: (spec) => [...Object.values(spec.knobs).map((id) => (id === spec.knobs.digit || id === spec.knobs.under
      ? choiceIn(id) : numberIn(id))), mode],
    async draw(sessions, spec, values) {
      const knobs = Object.fromEntries(Object.keys(spec.knobs).map((knob, i) => [knob, values[i]]));
      const everyDigit = mode === EVERY_DIGIT && spec.classes > 0;
      const wrong = invalid(spec, knobs, everyDigit);
      notice.textContent = wrong;
      if (wrong) return;
      shown = await generated(sessions, spec, knobs, everyDigit);
      paint(); // the samples at once; what is read under them follows, at once or, in a drag, once it rests
      const dragged = performance.now() - lastDrawAt < REST_MS;
      lastDrawAt = performance.now();
      clearTimeout(resting);
      if (dragged) {
        summary.style.opacity = 0.5; // the words of the samples before, until these are read
        resting = setTimeout(() => live.changed(), REST_MS);
        return;
      }
      Object.assign(shown, await readUnder(sessions, spec, knobs, shown));
      summary.textContent = shown.summary;
      summary.style.opacity = 1;
      paint();
      if (mode === SAMPLES && sessions.judge) { // What's happening: D's view of this grid, into its block (in the page alone)
        window.genlab.readings.ganWords = await judgedWords(sessions, spec, shown);
        trigger('select');
      }
      window.genlab.grids.gan = { values: knobs, mode, captions: shown.captions, summary: shown.summary,
                                  columns: shown.columns, cell: shown.cell, images: Array.from(shown.images) };
    },
  });

  measuresIn('gan', () => { // the Measure button: D's view of the grid on screen
    const sessions = live.sessions();
    if (live.mode !== 'page' || !sessions?.judge || !shown || mode !== SAMPLES) throw new Error('genlab: the server measures this grid');
    return judgedWords(sessions, live.spec(), shown);
  });

  // The grid laid out for the width it has now (digit.js's cells: at most four rows of eight fit a laptop's
  // first screen); the every-digit grid keeps one column per digit, or splits each noise's digits over two
  // rows or more where ten do not fit, so every row still holds one noise's digits.
  function paint() {
    if (!shown) return;
    const width = canvas.parentElement.clientWidth;
    const { columns, cell } = shown.rowLength === SAMPLES_ROW ? gridFor(width, shown.n, SAMPLES_ROW)
      : everyDigitGrid(shown.rowLength, width);
    paintCaptioned(canvas, shown.images, shown.captions, shown.n, columns, cell);
    shown.columns = columns;
    shown.cell = cell;
    if (window.genlab.grids.gan) Object.assign(window.genlab.grids.gan, { columns, cell });
  }
  new ResizeObserver(paint).observe(canvas.parentElement);

  // A click on a sample of the controls' grid walks that one (the walk's Sample box; gan_walk.js follows).
  canvas.addEventListener('click', (event) => {
    if (!shown || shown.rowLength !== SAMPLES_ROW) return;
    const box = canvas.getBoundingClientRect();
    const column = Math.floor((event.clientX - box.left) / shown.cell);
    const index = Math.floor((event.clientY - box.top) / (shown.cell + CAPTION)) * shown.columns + column;
    if (column < shown.columns && index < shown.n) setNumber(live.spec().walk_sample, index + 1);
  });
  const buttons = () => live.spec().buttons;
  onClick(buttons().sample, () => { mode = SAMPLES; live.changed(); });
  onClick(buttons().every_digit, () => { mode = EVERY_DIGIT; live.changed(); });
  onClick(buttons().new_seed, () => { // the page picks the seed: the grid follows the seed box
    mode = SAMPLES;
    setNumber(live.spec().knobs.seed, crypto.getRandomValues(new Uint32Array(1))[0]);
    live.changed();
  });
}

// The every-digit grid's columns, the most that divide its row of digits and fit, its cells a little
// narrower than CELL.min if that keeps five of them (a phone); and each one's cell.
function everyDigitGrid(digits, width) {
  let columns = digits;
  while (columns > 1 && !(digits % columns === 0 && width / columns >= 0.85 * CELL.min)) columns--;
  return { columns, cell: Math.min(CELL.max, Math.floor(width / columns)) };
}

const SAMPLES_ROW = 8; // the controls' grid: eight samples a row where they fit (genlab.inference.sampler.GRID_COLUMNS)

// The message the server would give for these controls, or '' (genlab.inference.sampler's checks).
function invalid({ max_seed: maxSeed, max_samples: maxSamples, max_rows: maxRows }, { seed, count, truncation, rows }, everyDigit) {
  if (!Number.isInteger(seed) || seed < 0 || seed > maxSeed) return `The seed is a whole number from 0 to ${maxSeed}.`;
  if (!everyDigit && !(count >= 1 && count <= maxSamples)) return `The number of samples must be a number from 1 to ${maxSamples}.`;
  if (!(truncation >= 0 && truncation <= 1)) return 'Truncation must be a number from 0 to 1.';
  if (everyDigit && !(rows >= 1 && rows <= maxRows)) return `Rows must be a number from 1 to ${maxRows}.`;
  return '';
}

// The samples of these controls (genlab.inference.sampler.sample, or every_digit), still uncaptioned.
async function generated({ generator }, spec, knobs, everyDigit) {
  const count = Math.floor(knobs.count), rows = Math.floor(knobs.rows);
  const n = everyDigit ? rows * spec.classes : count;
  const noise = new Float32Array(n * spec.noise);
  const drawn = gaussian(knobs.seed, everyDigit ? rows : count, spec.noise);
  for (let i = 0; i < n; i++) {
    const row = everyDigit ? Math.floor(i / spec.classes) : i; // every digit: each noise vector once per digit
    for (let j = 0; j < spec.noise; j++) noise[i * spec.noise + j] = drawn[row * spec.noise + j] * knobs.truncation;
  }
  const asked = spec.classes ? Array.from({ length: n }, (_, i) => (
    everyDigit || knobs.digit === spec.any_digit ? i % spec.classes : Number(knobs.digit))) : null;
  const digit = asked && { data: BigInt64Array.from(asked, BigInt), dims: [n] };
  const images = await run(generator, { noise: { data: noise, dims: [n, spec.noise] }, ...(digit && { digit }) }, 'image');
  return { images, asked, digit, n, captions: Array(n).fill(''), rowLength: everyDigit ? spec.classes : SAMPLES_ROW };
}

// What goes under each sample (the CNN's reading or D's score) and the summary the server writes under
// its grid (genlab.inference.sampler.read).
async function readUnder({ reader, judge }, spec, knobs, { images, asked, digit, n }) {
  const judged = knobs.under === spec.judged && judge ? await judgeOf(judge, images, digit, n) : null;
  const real = judged ? Array.from(judged[0], (p) => Number(fixed(p, 3))) : null; // Python's round(p, 3)
  const read = reader ? await readings(reader, images, n) : null;
  const captions = real ? real.map((p) => `D ${fixed(p, 2)}`) : read ? read.map((r) => r.caption) : Array(n).fill('');
  let summary = real ? `Under each sample: D's chance that it is real (their mean: ${fixed(real.reduce((a, b) => a + b) / n, 2)}). ` : '';
  if (read) {
    const counts = Array(10).fill(0);
    for (const { label } of read) counts[label]++;
    const histogram = counts.map((c, d) => (c ? `${d}: ${c}` : '')).filter(Boolean).join(', ');
    summary += `The CNN reads these ${n} samples as ${histogram}.`;
    if (asked) {
      const right = read.filter(({ label }, i) => label === asked[i]).length;
      summary += ` It reads ${fixed(100 * Math.fround(right / n), 0)}% of them as the digit asked for.`;
    }
  }
  return { captions, summary, judged };
}

// D's chance that each of n images is real and its logit (the judge graph's outputs), for the digits asked for.
function judgeOf(judge, images, digit, n) {
  return run(judge, { image: { data: images, dims: [n, 1, SIDE, SIDE] }, ...(digit && { digit }) }, ['real', 'logit']);
}

// What's happening's words for the grid on screen (ui.whats_happening.gan_words of genlab.inference.objectives'
// gan_value): D's view of its samples and of as many real test digits, from D's logits, and the game's value.
async function judgedWords({ judge }, spec, { images, digit, n, judged }) {
  const [chance, fake] = judged ?? await judgeOf(judge, images, digit, n); // the grid's own, if D's chances are under it
  const softplus = (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const mean = (values) => Array.from(values).reduce((a, b) => a + b, 0) / values.length;
  const words = spec.words;
  const each = Array.from(chance, (p) => Number(fixed(p, 3))); // gan_value's round(p, 3)
  const logOneMinusDFake = -mean(Array.from(fake, softplus));
  const values = {
    n, equilibrium: words.equilibrium, d_fake: fixed(mean(chance), 2), log_one_minus_d_fake: fixed(logOneMinusDFake, 3),
    scores: each.slice(0, words.scores_shown).map((p) => fixed(p, 2)).join(', ') + (n > words.scores_shown ? ' …' : ''),
  };
  if (!spec.test_digits) return `${words.formula}\n\n${fill(words.no_real, values)}`;
  const real = await firstDigits(spec.test_digits, n);
  const [realChance, realLogit] = await judgeOf(judge, real.images, spec.classes && { data: BigInt64Array.from(real.labels, BigInt), dims: [n] }, n);
  const logDReal = -mean(Array.from(realLogit, (x) => softplus(-x)));
  Object.assign(values, { log_d_real: fixed(logDReal, 3), value: fixed(logDReal + logOneMinusDFake, 3), d_real: fixed(mean(realChance), 2) });
  return `${words.formula}\n\n${fill(words.read, values)}`;
}
