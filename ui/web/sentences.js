// The Sentences tab in the page: rebuild a typed line from its code, walk between two lines, write lines
// from the prior, with the sentence VAE's encoder and step graph (genlab.serve.export's LineReader and
// LineWriter) run by ONNX Runtime Web, as genlab.inference.sentences does on the server: the same reading
// of a typed line, the same codes (the posterior's mean, the seed's own draws, seeds.js), the same greedy
// or drawn characters (lstm.js's pick, the seed's uniform draws) and the same words. The lines go into
// Gradio's own blocks through a listener that runs in the page alone (ui/sentences.py's `shows`); where the
// page cannot run the model, the button asks the server (the component's input event; submit for a new
// seed), as before. Browser tests hold the two together.
//
// One module serves the tab's three page components; each spec (ui/sentences.py's SentencesSpec) names
// its action. window.genlab.lines[action] is what the action shows last (the blocks' values, in order).
// The rebuild module also writes What's happening's figures of the typed line (its ELBO beside its rebuilt
// line), when the Measure button asks and after another model is chosen (into the block by its blur event).

import { fixed } from './digit.js';
import { checkedIn, numberIn, onClick, setNumber, textIn } from './knobs.js';
import { fill, given, graphsWhenShown, measuresIn } from './live.js';
import { leftOut, logSoftmax, pick, WHITESPACE } from './lstm.js';
import { run, session } from './runtime.js';
import { between, gaussian, uniform } from './seeds.js';

window.genlab.lines ??= {};
window.genlab.readings ??= {};
const DRAWS = 4; // the posterior draws a rebuilt line is shown with (ui/sentences.py's reconstruct)

class TextError extends Error {}

export function start({ element, props, trigger, watch }) {
  const name = `sentences-${JSON.parse(props.value).action}`; // the record, read (and noted) next
  const notice = element.querySelector('.genlab-notice');
  let spec = given(name, props.value);
  const action = spec.action;
  let graphs = null; // { writer, encoder } once loaded, else the server does it

  let loads = 0;
  async function load() {
    graphs = null;
    const mine = ++loads;
    graphs = await graphsWhenShown({
      element, name, notice, spec, current: () => spec, ready: spec.writer && spec.encoder, serverDoes: 'writes the lines',
      make: async () => ({ writer: await session(spec.writer), encoder: await session(spec.encoder) }),
    });
    if (graphs && mine === loads && mine > 1 && spec.figures) { // another model: What's happening's figures are the one's before
      window.genlab.readings.linesWords = await measured();
      trigger('blur');
    }
  }

  const measure = async () => { // What's happening's figures of the typed line
    if (!graphs) throw new Error('genlab: the server measures this line');
    try {
      return await figures(graphs, spec, readLine(textIn(spec.knobs.typed), spec, 'The line'));
    } catch (error) {
      if (!(error instanceof TextError)) throw error;
      return `${spec.figures.formula}\n\n⚠ ${error.message}`;
    }
  };
  const measured = spec.figures ? measuresIn('sentences', measure) : measure;

  async function act(serverEvent, before = () => {}) {
    if (!graphs) return trigger(serverEvent);
    before();
    let shownNow;
    try {
      shownNow = await ACTIONS[action](graphs, spec);
    } catch (error) {
      if (!(error instanceof TextError)) throw error;
      shownNow = FAILED[action](`⚠ ${error.message}`);
    }
    window.genlab.lines[action] = shownNow;
    trigger('select');
  }

  for (const [button, id] of Object.entries(spec.buttons)) {
    if (button === 'new_seed') { // the page picks the seed: the seed box moves, then the lines follow
      onClick(id, () => act('submit', () => setNumber(spec.knobs.seed, crypto.getRandomValues(new Uint32Array(1))[0])));
    } else {
      onClick(id, () => act('input'));
    }
  }
  watch('value', () => {
    spec = given(name, props.value);
    load();
  });
  load();
}

// Each action: the values of its blocks, in the order ui/sentences.py wires them.
const ACTIONS = {
  async rebuild({ writer, encoder }, spec) {
    const typed = readLine(textIn(spec.knobs.typed), spec, 'The line');
    const seed = numberIn(spec.knobs.draw_seed);
    const { mean, logVar } = await encode(encoder, spec, typed.text);
    const noise = gaussian(seed, DRAWS, spec.latent);
    const z = new Float32Array((DRAWS + 1) * spec.latent);
    z.set(mean);
    for (let i = 0; i < DRAWS * spec.latent; i++) {
      const dim = i % spec.latent;
      z[spec.latent + i] = mean[dim] + noise[i] * Math.fround(Math.exp(0.5 * logVar[dim]));
    }
    const [best, ...draws] = await decode(writer, spec, z, DRAWS + 1);
    let kl = 0;
    for (let dim = 0; dim < spec.latent; dim++) kl += 0.5 * (mean[dim] ** 2 + Math.exp(logVar[dim]) - 1 - logVar[dim]);
    const holds = fill(spec.words.holds, { kl: fixed(kl, 1) });
    return [best, numbered(draws), `${holds} ${leftOut(typed.unknown)}`.trim()];
  },
  async walk({ writer, encoder }, spec) {
    const a = readLine(textIn(spec.knobs.first), spec, 'The first line');
    const b = readLine(textIn(spec.knobs.second), spec, 'The second line');
    const steps = Math.floor(numberIn(spec.knobs.steps));
    const [from, to] = [(await encode(encoder, spec, a.text)).mean, (await encode(encoder, spec, b.text)).mean];
    const z = new Float32Array(steps * spec.latent);
    for (let i = 0; i < steps; i++) {
      const t = Math.fround(i / (steps - 1)); // torch.linspace(0, 1, steps) in float32
      z.set(checkedIn(spec.knobs.spherical) ? between(from, to, t) : from.map((value, j) => (1 - t) * value + t * to[j]),
            i * spec.latent);
    }
    return [numbered(await decode(writer, spec, z, steps)), leftOut([...a.unknown, ...b.unknown])];
  },
  async prior({ writer }, spec) {
    const count = Math.floor(numberIn(spec.knobs.count)), seed = numberIn(spec.knobs.seed);
    const temperature = numberIn(spec.knobs.temperature);
    return [numbered(await decode(writer, spec, gaussian(seed, count, spec.latent), count, temperature, seed))];
  },
};

// What's happening's words for a typed line (ui.whats_happening.sentences_words of genlab.inference.objectives.line_elbo):
// its reconstruction from the posterior's mean, the line read as its decoder reads it (each character after the ones
// before it, then the end), its KL, and the line rebuilt from that mean.
async function figures({ writer, encoder }, spec, typed) {
  const { mean, logVar } = await encode(encoder, spec, typed.text);
  const vocab = spec.vocab, newline = vocab.indexOf('\n');
  const targets = [...typed.text, '\n'].map((char) => vocab.indexOf(char));
  let id = newline, h = new Float32Array(spec.hidden), c = new Float32Array(spec.hidden), reconstruction = 0;
  for (const [t, target] of targets.entries()) {
    const [logits, hOut, cOut] = await run(writer, {
      ids: { data: BigInt64Array.of(BigInt(id)), dims: [1] }, z: { data: mean, dims: [1, spec.latent] },
      h: { data: h, dims: [1, 1, spec.hidden] }, c: { data: c, dims: [1, 1, spec.hidden] },
      fresh: { data: Float32Array.of(t === 0 ? 1 : 0), dims: [1, 1] },
    }, ['logits', 'h_out', 'c_out']);
    [h, c, id] = [hOut, cOut, target];
    reconstruction -= logSoftmax(logits)[target];
  }
  let kl = 0;
  for (let dim = 0; dim < spec.latent; dim++) kl += 0.5 * (mean[dim] ** 2 + Math.exp(logVar[dim]) - 1 - logVar[dim]);
  const [rebuilt] = await decode(writer, spec, mean, 1);
  const words = spec.figures;
  return `${words.formula}\n\n${fill(words.read, {
    chars: [...typed.text].length, reconstruction: fixed(reconstruction, 1), kl: fixed(kl, 1), total: fixed(reconstruction + kl, 1),
    kl_bits: fixed(kl / Math.LN2, 0), reconstruction_bits: fixed(reconstruction / Math.LN2, 0), rebuilt,
    exact: rebuilt.trim() === typed.text.trim() ? words.exactly : words.lossy, how_often: words.how_often })}`;
}

// What each action shows when the typed lines cannot be read: the message where the server's toast would be.
const FAILED = {
  rebuild: (message) => ['', '', message],
  walk: (message) => ['', message],
  prior: (message) => [message],
};

// A typed line as the model reads it (genlab.inference.sentences.read_line): whitespace runs made single
// spaces, the characters it does not know left out; refused when too long or left empty.
export function readLine(text, spec, what) {
  const { too_long: tooLong, empty } = spec.words;
  const line = text.split(WHITESPACE).filter(Boolean).join(' ');
  const chars = [...line], limit = 2 * spec.max_chars;
  if (chars.length > limit) {
    throw new TextError(fill(tooLong, { what, count: chars.length, limit, max_chars: spec.max_chars }));
  }
  const vocab = spec.vocab.replace('\n', '');
  const known = chars.filter((char) => vocab.includes(char)).join('');
  if (!known.trim()) throw new TextError(fill(empty, { what }));
  return { text: known, unknown: chars.filter((char) => !vocab.includes(char)) };
}

// The posterior of a line: its characters and the newline that ends it, read by the encoder.
async function encode(encoder, spec, text) {
  const ids = [...text, '\n'].map((char) => BigInt(spec.vocab.indexOf(char)));
  const [mean, logVar] = await run(encoder, { ids: { data: BigInt64Array.from(ids), dims: [1, ids.length] } },
                                   ['mean', 'log_var']);
  return { mean, logVar };
}

// One line per code (n codes of spec.latent numbers), as TextVAE.decode writes them: greedy, or at a
// temperature with line i's character t picked by the seed's uniform draw i x longest + t.
export async function decode(writer, spec, z, n, temperature = 0, seed = 0) {
  const newline = spec.vocab.indexOf('\n');
  const draws = temperature > 0 ? uniform(seed, n * spec.longest) : null;
  const sampling = { temperature, topK: 0, topP: 1, greedy: false };
  let ids = new Array(n).fill(newline);
  let h = new Float32Array(n * spec.hidden), c = new Float32Array(n * spec.hidden);
  const written = Array.from({ length: n }, () => []), ended = new Array(n).fill(false);
  for (let t = 0; t < spec.longest && !ended.every(Boolean); t++) {
    const [logits, hOut, cOut] = await run(writer, {
      ids: { data: BigInt64Array.from(ids, BigInt), dims: [n] }, z: { data: z, dims: [n, spec.latent] },
      h: { data: h, dims: [1, n, spec.hidden] }, c: { data: c, dims: [1, n, spec.hidden] },
      fresh: { data: new Float32Array(n).fill(t === 0 ? 1 : 0), dims: [n, 1] },
    }, ['logits', 'h_out', 'c_out']);
    [h, c] = [hOut, cOut];
    const vocabSize = spec.vocab.length;
    ids = ids.map((_, i) => {
      const row = logits.subarray(i * vocabSize, (i + 1) * vocabSize);
      const id = draws ? pick(row, sampling, draws[i * spec.longest + t]).id : argmax(row);
      if (id === newline) ended[i] = true;
      if (!ended[i]) written[i].push(spec.vocab[id]);
      return id;
    });
  }
  return written.map((chars) => chars.join(''));
}

function argmax(row) {
  let best = 0;
  for (let id = 1; id < row.length; id++) if (row[id] > row[best]) best = id;
  return best;
}

// Lines as a numbered, monospaced list (ui/sentences.py's numbered, html.escape's entities).
export function numbered(lines) {
  const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
  return `<ol>${lines.map((line) => `<li><code>${escape(line) || '&nbsp;'}</code></li>`).join('')}</ol>`;
}
