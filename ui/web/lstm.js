// The character LSTM in the page: its step graph (genlab.serve.export's Stepper) run by ONNX Runtime Web,
// reading a text once and writing one character a run on the carried state, as genlab.inference.writer
// does on the server (the prompt read after the start character, the same chances, the same pick from
// the seed's own draws): browser tests hold the two together.

import { cannotRun, shown } from './live.js';
import { run, session } from './runtime.js';
import { uniform } from './seeds.js';

export const WHITESPACE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/; // what Python's str.split() splits on
const CHECKPOINT_EVERY = 64; // characters between the states a reader keeps, to read an edited text again from near the edit

// The tab's LSTM for one of its page modules, once the module's element is shown (its tab opened): the
// graph's session with `live` in the page's mode, or null (the server's mode, the reason said) where the
// page cannot run it; the server then `serverDoes` the work.
export async function lstmWhenShown(element, live, spec, serverDoes) {
  live.setMode('server');
  if (!spec.lstm) {
    live.setMode('server', spec.why);
    return null;
  }
  await shown(element);
  try {
    const made = await session(spec.lstm);
    live.setMode('page');
    return made;
  } catch (error) {
    console.error('genlab: the character LSTM did not load in the page', error);
    live.setMode('server', cannotRun(serverDoes));
    return null;
  }
}

// The prompt as the model reads it (genlab.inference.writer.read_prompt): the start character and the
// known characters' ids, the text they spell, and the unknown characters (sorted, each once).
export function readPrompt(prompt, vocab) {
  const start = vocab.includes('\n') ? '\n' : vocab[0];
  const known = [...prompt].filter((char) => vocab.includes(char));
  const unknown = [...new Set([...prompt].filter((char) => !vocab.includes(char)))].sort();
  return { ids: [start, ...known].map((char) => vocab.indexOf(char)), text: known.join(''), unknown };
}

// What a person should know about how their prompt was read (genlab.inference.writer.notice).
export function notice({ text, unknown }) {
  let note = leftOut(unknown);
  if (!text) note = `${note} The text starts from the model's start state.`.trim();
  return note;
}

// A note of the characters a model does not know, each once, in code point order ('' when none), as
// genlab.core.corpus.left_out words it.
export function leftOut(chars) {
  const unknown = [...new Set(chars)].sort((a, b) => a.codePointAt(0) - b.codePointAt(0));
  return unknown.length ? `Left out ${unknown.length} character(s) the model does not know: `
    + `${unknown.slice(0, 20).map(pythonRepr).join(', ')}.` : '';
}

// A character as Python's repr() writes it (the notice's list, the surprisal's values).
export function pythonRepr(char) {
  const escaped = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }[char];
  const code = char.codePointAt(0);
  const shown = escaped ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char);
  return char === "'" ? `"'"` : `'${shown}'`;
}

// The next character's chances (genlab.inference.writer.chances): the model's, sharpened or flattened by
// the temperature and cut to the top-k and top-p; for greedy writing, the model's own.
export function chances(logits, { temperature, topK, topP, greedy }) {
  if (greedy || topK === 1) return softmax(Array.from(logits));
  let scaled = Array.from(logits, (logit) => logit / temperature);
  if (topK > 0 && topK < scaled.length) {
    const kth = [...scaled].sort((a, b) => b - a)[topK - 1];
    scaled = scaled.map((logit) => (logit < kth ? -Infinity : logit));
  }
  if (topP < 1) {
    const order = [...scaled.keys()].sort((a, b) => scaled[b] - scaled[a]);
    const ordered = softmax(order.map((id) => scaled[id]));
    let before = 0; // the chance of the likelier ones
    order.forEach((id, rank) => {
      if (before >= topP) scaled[id] = -Infinity;
      before += ordered[rank];
    });
  }
  return softmax(scaled);
}

function softmax(values) {
  const top = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}

// One character id and the chances it was drawn from (genlab.inference.writer.pick): greedy takes the
// likeliest; otherwise the first id where the chances' running sum passes draw x their sum.
export function pick(logits, sampling, draw) {
  const drawnFrom = chances(logits, sampling);
  if (sampling.greedy || sampling.topK === 1) {
    let best = 0;
    for (let id = 1; id < logits.length; id++) if (logits[id] > logits[best]) best = id;
    return { id: best, drawnFrom };
  }
  const total = drawnFrom.reduce((a, b) => a + b, 0);
  let running = 0;
  for (let id = 0; id < drawnFrom.length; id++) {
    running += drawnFrom[id];
    if (running > draw * total) return { id, drawnFrom };
  }
  return { id: drawnFrom.length - 1, drawnFrom };
}

// Runs the graph over ids from a state ({ h, c }, or null for the start); returns every position's
// logits (t x V, row after row) and the state after the last id.
export async function step(session, spec, ids, state) {
  const dims = [spec.layers, 1, spec.hidden];
  const zeros = () => new Float32Array(spec.layers * spec.hidden);
  const [logits, h, c] = await run(session, {
    ids: { data: BigInt64Array.from(ids, BigInt), dims: [1, ids.length] },
    h: { data: state?.h ?? zeros(), dims }, c: { data: state?.c ?? zeros(), dims },
  }, ['logits', 'h_out', 'c_out']);
  return { logits, state: { h, c } };
}

// Reads texts as they are edited, keeping the state every CHECKPOINT_EVERY characters and each
// character's log-chance, so an edit is read again from the last kept state before it, not from the
// start. One reader a model, shared by the tab's modules (readerFor); reads run one at a time.
export class Reader {
  constructor(session, spec) {
    Object.assign(this, { session, spec, ids: [], kept: [null], logProbs: [], last: null, state: null });
    this.queue = Promise.resolve();
  }

  // What reading these ids gives: { logProbs (the log-chance of each id after the first, given those
  // before it), last (the next character's logits), state (after the last id) }.
  read(ids) {
    const done = this.queue.then(() => this.readNow(ids));
    this.queue = done.catch(() => {});
    return done;
  }

  async readNow(ids) {
    let same = 0;
    while (same < ids.length && same < this.ids.length && ids[same] === this.ids[same]) same++;
    if (!(same === ids.length && same === this.ids.length && this.last)) {
      // from a kept state before the first changed id, so the log-chance of that id is read again too
      const from = Math.min(Math.floor(Math.max(0, same - 1) / CHECKPOINT_EVERY), this.kept.length - 1) * CHECKPOINT_EVERY;
      this.kept.length = from / CHECKPOINT_EVERY + 1;
      this.logProbs.length = from;
      this.ids = ids.slice();
      let state = this.kept[this.kept.length - 1];
      const V = this.spec.vocab.length;
      for (let at = from; at < ids.length; at += CHECKPOINT_EVERY) {
        const chunk = ids.slice(at, Math.min(at + CHECKPOINT_EVERY, ids.length));
        const read = await step(this.session, this.spec, chunk, state);
        state = read.state;
        for (let i = 0; i < chunk.length; i++) {
          const row = read.logits.subarray(i * V, (i + 1) * V);
          if (at + i + 1 < ids.length) this.logProbs.push(logSoftmax(row)[ids[at + i + 1]]);
          else this.last = row.slice();
        }
        if (chunk.length === CHECKPOINT_EVERY) this.kept.push(state);
      }
      this.state = state;
    }
    return { logProbs: this.logProbs.slice(), last: this.last, state: this.state };
  }
}

const readers = new Map(); // session -> its Reader

export function readerFor(session, spec) {
  if (!readers.has(session)) readers.set(session, new Reader(session, spec));
  return readers.get(session);
}

export function logSoftmax(logits) {
  const top = Math.max(...logits);
  const sum = Array.from(logits).reduce((total, logit) => total + Math.exp(logit - top), 0);
  return Array.from(logits, (logit) => logit - top - Math.log(sum));
}

// The characters written after a prompt, one at a time with the chances each was drawn from
// (genlab.inference.writer.write_steps); `stopped()` is asked before each character.
export async function* write(session, spec, prompt, sampling, stopped = () => false) {
  let { last: logits, state } = await readerFor(session, spec).read(readPrompt(prompt, spec.vocab).ids);
  const draws = uniform(sampling.seed, sampling.length);
  for (const draw of draws) {
    if (stopped()) return;
    const { id, drawnFrom } = pick(logits, sampling, draw);
    yield { char: spec.vocab[id], drawnFrom };
    ({ logits, state } = await step(session, spec, [id], state));
  }
}

// `count` lines from the start state of an LSTM's step graph ({ graph's session, layers, hidden } and the
// vocabulary), all at once, as genlab.core.lines.sample_lines writes them: each to its first end or
// maxChars characters, line i's character t picked at the temperature by the seed's uniform draw
// i x (maxChars + 1) + t.
export async function sampleLines(writer, vocab, count, maxChars, temperature, seed) {
  const steps = maxChars + 1, V = vocab.length, newline = vocab.indexOf('\n');
  const draws = uniform(seed, count * steps);
  const sampling = { temperature, topK: 0, topP: 1, greedy: false };
  const dims = [writer.layers, count, writer.hidden];
  let h = new Float32Array(writer.layers * count * writer.hidden), c = h.slice();
  let ids = new Array(count).fill(newline);
  const written = Array.from({ length: count }, () => []), ended = new Array(count).fill(false);
  for (let t = 0; t < steps && !ended.every(Boolean); t++) {
    const [logits, hOut, cOut] = await run(writer.session, {
      ids: { data: BigInt64Array.from(ids, BigInt), dims: [count, 1] }, h: { data: h, dims }, c: { data: c, dims },
    }, ['logits', 'h_out', 'c_out']);
    [h, c] = [hOut, cOut];
    ids = ids.map((_, i) => {
      const { id } = pick(logits.subarray(i * V, (i + 1) * V), sampling, draws[i * steps + t]);
      if (id === newline) ended[i] = true;
      if (!ended[i]) written[i].push(vocab[id]);
      return id;
    });
  }
  return written.map((chars) => chars.join(''));
}

// The nats a character LSTM gives each line, its end included, read from the start state
// (genlab.core.lines.lm_line_nll): all lines in one run, padded with the newline as line_batch pads them.
export async function lineNats(reader, vocab, lines) {
  const newline = vocab.indexOf('\n'), V = vocab.length;
  const encoded = lines.map((line) => [...line].filter((char) => vocab.includes(char)).map((char) => vocab.indexOf(char)));
  const width = Math.max(...encoded.map((ids) => ids.length)) + 1; // the start, the characters, the end
  const ids = encoded.flatMap((line) => [newline, ...line, ...new Array(width - line.length).fill(newline)].slice(0, width));
  const dims = [reader.layers, lines.length, reader.hidden];
  const zeros = new Float32Array(reader.layers * lines.length * reader.hidden);
  const [logits] = await run(reader.session, {
    ids: { data: BigInt64Array.from(ids, BigInt), dims: [lines.length, width] }, h: { data: zeros, dims }, c: { data: zeros, dims },
  }, ['logits', 'h_out', 'c_out']);
  return encoded.map((line, i) => {
    const targets = [...line, newline];
    return targets.reduce((nats, target, t) => nats - logSoftmax(logits.subarray((i * width + t) * V, (i * width + t + 1) * V))[target], 0);
  });
}
