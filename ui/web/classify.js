// Classify's reading in the page: as a visitor draws (during a stroke too, not only when it ends), the
// drawing pad's picture is turned into the 28x28 input here (preprocess.js, the server's steps) and read
// by the chosen classifier's graph, so the answer follows the pen. The server still draws what drove
// the answer (Grad-CAM, saliency) when a stroke ends. Where the page cannot run the model, the server's
// "What the model sees" shows instead, as before.
//
// The spec (the live component's value, a ClassifySpec in ui/classify.py) gives the classifier's graph
// (spec.reader), the drawing pad's block id (spec.pad), the upload's (spec.upload: a picture given there
// is read by the server, whose picture then shows until the next stroke), the server's picture it stands
// in for (spec.server_blocks) and, in spec.why, why the page cannot run the model, if it cannot.

import { percent } from './digit.js';
import { given, Live } from './live.js';
import { InputError, prepareDigit } from './preprocess.js';
import { run, session } from './runtime.js';

const NAME = 'classify';
const SIDE = 28;

// "7 (96%) · 4 (1%) · 5 (0%)": the three likeliest digits, as the server captions one (genlab.inference.classify.caption).
export function likeliest(probabilities, count = 3) {
  return [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]).slice(0, count)
    .map((digit) => `${digit} (${percent(probabilities[digit])})`).join(' · ');
}

export function start({ element, props, watch }) {
  let spec = given(NAME, props.value);
  let classifier = null;
  let drawing = null; // the pad's latest: { blank, pixels() }
  let pad = '', upload = ''; // the spec's blocks, as selectors
  const canvas = element.querySelector('canvas');
  const reading = element.querySelector('.genlab-reading');
  const live = new Live({
    name: NAME, element, serverBlocks: () => spec.server_blocks, valuesNow: () => '', askServer: () => {},
    drawInPage: read,
  });

  function show(digit) { // white ink on black, as MNIST and the server's picture have it
    const context = canvas.getContext('2d');
    const pixels = context.createImageData(SIDE, SIDE);
    digit.forEach((ink, i) => pixels.data.set([255 * ink, 255 * ink, 255 * ink, 255], 4 * i));
    context.putImageData(pixels, 0, 0);
  }

  async function read() { // true: something was shown (Live records it)
    if (!drawing || drawing.blank) {
      show(new Float32Array(SIDE * SIDE));
      reading.textContent = '';
      return true;
    }
    const { data, width, height } = drawing.pixels();
    let prepared;
    try {
      prepared = prepareDigit(data, width, height);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      show(new Float32Array(SIDE * SIDE));
      reading.textContent = `⚠ ${error.message}`;
      return true;
    }
    show(prepared.digit);
    const probabilities = await run(classifier, { image: { data: prepared.digit, dims: [1, 1, SIDE, SIDE] } },
                                    'probabilities');
    reading.textContent = `Reads ${likeliest(probabilities)}`;
    return true;
  }

  async function load() {
    [pad, upload] = [`#${spec.pad}`, `#${spec.upload}`];
    classifier = null;
    live.setMode('server');
    if (!spec.reader) {
      live.setMode('server', spec.why);
      return;
    }
    try {
      classifier = await session(spec.reader);
      live.setMode('page');
      live.changed();
    } catch (error) {
      console.error('genlab: the classifier did not load in the page', error);
      live.setMode('server', 'This browser could not run the model, so the server reads the drawing.');
    }
  }

  document.addEventListener('genlab-drawing', (event) => {
    if (!event.target.closest?.(pad)) return;
    drawing = event.detail;
    if (!classifier) return;
    live.setMode('page');
    live.changed(event.timeStamp);
  });
  for (const type of ['change', 'drop', 'paste']) { // a picture given to the upload: the server's reading of it shows
    document.addEventListener(type, (event) => {
      if (event.target.closest?.(upload)) live.setMode('server');
    }, true);
  }
  watch('value', () => {
    spec = given(NAME, props.value);
    load();
  });
  load();
}
