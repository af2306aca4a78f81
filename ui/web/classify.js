// Classify in the page: as a visitor draws (during a stroke too, not only when it ends), the drawing pad's
// picture is turned into the 28x28 input here (preprocess.js, the server's steps) and read by the chosen
// classifier's explainer graph, which gives the probabilities and the heat map of what drove the answer
// (genlab.inference.explain: Grad-CAM for the CNN, saliency for the MLP). The page draws both pictures and
// puts its reading into Gradio's own Prediction and status blocks through a listener that runs in the page
// alone (ui/classify.py's SHOW_READING): no server call. Where the page cannot run the model, each stroke
// asks the server (the component's input event) and the server's pictures show, as before. A picture given to
// the page's upload box (upload.js) is read the same way; the latest of the two, drawing or picture, is read.
//
// The spec (the live component's value, a ClassifySpec in ui/classify.py) gives the explainer's graph
// (spec.reader), the drawing pad's block id (spec.pad), the page's upload box's (spec.upload: shown while the
// page reads, the server's upload otherwise), the server's pictures it stands
// in for (spec.server_blocks), the parts of the server's words (spec.summary, spec.words) and, in spec.why,
// why the page cannot run the model, if it cannot. window.genlab.readings.classify is the reading shown last
// ([the Label's value, the status line]) and .classifyDetail its probabilities and the preprocessing's notes.

import { fixed } from './digit.js';
import { cannotRun, fill, given, Live } from './live.js';
import { InputError, prepareDigit } from './preprocess.js';
import { run, session } from './runtime.js';

const NAME = 'classify';
const SIDE = 28;
const HEAT_ALPHA = 0.6, GREY = 0.8; // genlab.core.images.overlay's blend

window.genlab.readings ??= {};

// The likeliest `count` digits as a Gradio Label's value ({ label, confidences }), likeliest first.
export function likeliest(probabilities, count = 3) {
  const confidences = [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]).slice(0, count)
    .map((digit) => ({ label: String(digit), confidence: probabilities[digit] }));
  return { label: confidences[0].label, confidences };
}

// The reading in words, as genlab.inference.classify's Reading.summary() and ui/classify.py's shown() say it.
export function summaryOf(parts, reading, notes) {
  const { label, confidence } = reading.confidences[0];
  let verdict = fill(parts.verdict, { label, confidence: `${fixed(100 * confidence, 1)}%` });
  if (confidence < parts.unsure_below) verdict += parts.guess;
  return `${verdict}.${notes.length ? fill(parts.preprocessed, { notes: notes.join('; ') }) : ''} ${parts.source}`;
}

// What's happening's words for a reading (a Label's value, {} for none), as ui.whats_happening's classify_words.
export function wordsOf(parts, reading) {
  const chances = reading?.confidences ?? [];
  if (!chances.length) return parts.unread;
  const lines = chances.slice(0, 3).map(({ label, confidence }) => fill(parts.line, {
    label, chance: fixed(confidence, 3), loss: fixed(-Math.log(Math.max(confidence, 1e-12)), 3),
  }));
  return parts.before + lines.join('\n') + parts.after;
}

// The heat map blended over the grey digit, RGBA, as genlab.core.images.overlay blends it (its colours on a
// black-red-yellow-white ramp).
export function heatPicture(digit, heat) {
  const rgba = new Uint8ClampedArray(4 * digit.length);
  for (let i = 0; i < digit.length; i++) {
    const h = Math.min(1, Math.max(0, heat[i])), grey = digit[i] * GREY;
    for (let channel = 0; channel < 3; channel++) {
      const colour = Math.min(1, Math.max(0, 3 * h - channel));
      const blended = (1 - HEAT_ALPHA * heat[i]) * grey + HEAT_ALPHA * heat[i] * colour;
      rgba[4 * i + channel] = Math.round(255 * Math.min(1, Math.max(0, blended)));
    }
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

export function start({ element, props, trigger, watch }) {
  let spec = given(NAME, props.value);
  let explainer = null;
  let drawing = null; // the pad's latest: { blank, sent, pixels() }
  let uploaded = null; // the upload box's latest: { pixels, error }, while it is what is read
  let sent = 0; // drawings the pad has sent (a stroke ended, an undo, a clear): what the server is asked to read
  let pad = '', upload = ''; // the spec's blocks, as selectors
  const seen = element.querySelector('canvas[data-picture=seen]');
  const why = element.querySelector('canvas[data-picture=why]');
  const live = new Live({
    name: NAME, element, serverBlocks: () => spec.server_blocks, valuesNow: () => String(sent),
    askServer: () => trigger('input'), drawInPage: read, pageBlocks: () => [spec.upload],
  });
  window.genlab.classifyWords = (reading) => wordsOf(spec.words, reading);

  function paint(canvas, rgba) {
    canvas.getContext('2d').putImageData(new ImageData(rgba, SIDE, SIDE), 0, 0);
  }

  function grey(digit) { // white ink on black, as MNIST and the server's picture have it
    const rgba = new Uint8ClampedArray(4 * digit.length);
    digit.forEach((ink, i) => rgba.set([255 * ink, 255 * ink, 255 * ink, 255], 4 * i));
    return rgba;
  }

  function showReading(reading, status) { // into Gradio's Prediction and status blocks, in the page alone
    window.genlab.readings.classify = [reading ?? {}, status]; // {}: no reading, as gr.Label sends None
    trigger('select');
  }

  function showNothing(status) {
    const black = grey(new Float32Array(SIDE * SIDE));
    paint(seen, black);
    paint(why, black);
    showReading(null, status);
  }

  async function read() { // true: something was shown (Live records it)
    if (uploaded?.error) {
      showNothing(`⚠ ${uploaded.error}`);
      return true;
    }
    if (!uploaded && (!drawing || drawing.blank)) {
      showNothing(spec.summary.invitation);
      return true;
    }
    const { data, width, height } = uploaded ? uploaded.pixels : drawing.pixels();
    let prepared;
    try {
      prepared = prepareDigit(data, width, height);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      showNothing(`⚠ ${error.message}`);
      return true;
    }
    const [probabilities, heat] = await run(explainer, { image: { data: prepared.digit, dims: [1, 1, SIDE, SIDE] } },
                                            ['probabilities', 'heat']);
    paint(seen, grey(prepared.digit));
    paint(why, heatPicture(prepared.digit, heat));
    const reading = likeliest(probabilities);
    window.genlab.readings.classifyDetail = { probabilities: Array.from(probabilities), notes: prepared.notes };
    showReading(reading, summaryOf({ ...spec.summary, source: uploaded ? spec.summary.from_upload : spec.summary.source },
                                   reading, prepared.notes));
    return true;
  }

  async function load() {
    [pad, upload] = [`#${spec.pad}`, `#${spec.upload}`];
    explainer = null;
    live.setMode('server');
    live.asked = String(sent); // the server has what the pad sent so far: a stroke's moves do not ask it
    if (!spec.reader) {
      live.setMode('server', spec.why);
      return;
    }
    try {
      explainer = await session(spec.reader);
      live.setMode('page');
      live.changed();
    } catch (error) {
      console.error('genlab: the classifier did not load in the page', error);
      live.setMode('server', cannotRun('reads the drawing'));
    }
  }

  document.addEventListener('genlab-drawing', (event) => {
    if (!event.target.closest?.(pad)) return;
    drawing = event.detail;
    uploaded = null; // the drawing is what is read now
    if (drawing.sent) sent += 1;
    if (explainer) live.setMode('page');
    live.changed(event.timeStamp); // the server is asked only for a drawing sent, which the pad's value holds
  });
  document.addEventListener('genlab-upload', (event) => { // a picture given to the page's upload box (none: cleared)
    if (!event.target.closest?.(upload)) return;
    uploaded = event.detail.pixels || event.detail.error ? event.detail : null;
    live.changed(event.timeStamp);
  });
  watch('value', () => {
    spec = given(NAME, props.value);
    load();
  });
  load();
}
