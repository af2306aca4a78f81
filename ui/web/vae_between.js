// The VAE explorer's interpolation between two digits, drawn in the page as its controls change: each end's
// code (a test digit encoded by the encoder's graph, a seed's code from the prior, the sliders' code, or the
// visitor's drawing encoded), its preview (the test digit as it is, any other end decoded with the CNN's
// reading), the frames decoded evenly between the ends, straight or along the great circle, with the CNN's
// reading under each, played forward and back, and on a 2-D model the path on the map, as
// genlab.inference.explorer draws them on the server. The test digits come from the files the server (or
// the static site) holds (genlab.inference.explorer.test_digit_file); the visitor's own digit is a picture given
// to the upload box if there is one, else the drawing (explore.js's encodeOwn). Where the page cannot run the
// model, the server draws (the component's focus event for the previews, its input event for the frames).
//
// The spec (the component's value) is ui/explore.py's BetweenDigitsSpec. window.genlab.grids['vae-between']
// is what is shown now (the ends' titles, the captions and the frames' pixels).

import { caption, drawDigit, readings } from './digit.js';
import { code, encodeOwn } from './explore.js';
import { choiceIn, numberIn, onClick } from './knobs.js';
import { fill, sliderValues, startLive } from './live.js';
import { InputError } from './preprocess.js';
import { run } from './runtime.js';
import { between, gaussian } from './seeds.js';
import { FrameStrip } from './strip.js';
import { testDigit } from './test_digits.js';

const NAME = 'vae-between';
const SIDE = 28;
const ENDS = ['from', 'to'];
window.genlab.grids ??= {};

export function start({ element, props, trigger, watch }) {
  const notice = element.querySelector('.genlab-notice');
  const strip = new FrameStrip(element.querySelector('canvas[data-picture=strip]'), element.querySelector('canvas[data-picture=animation]'));
  const previews = Object.fromEntries(ENDS.map((end) => [end, element.querySelector(`figure[data-end=${end}]`)]));
  let pressed = 0; // Interpolate pressed so often: each press draws again
  let drawings = 0; // drawings the pad has sent and pictures the upload box took: the visitor's end follows them
  let canDraw = false; // the page has drawn with this spec's graphs
  const live = startLive({
    name: NAME, element, props, trigger, watch, graphs: ['decoder', 'reader', 'encoder'],
    askServer: () => { trigger('focus'); trigger('input'); },
    values: (spec) => {
      const ends = ENDS.flatMap((end) => [choiceIn(spec.knobs[`${end}_source`]), numberIn(spec.knobs[`${end}_number`])]);
      return [...ends, numberIn(spec.knobs.frames), choiceIn(spec.knobs.path), pressed,
              ends.includes('current sliders') ? sliderValues(spec.code_sliders).join(' ') : '',
              ends.includes('my drawing') ? drawings : 0];
    },
    async draw(graphs, spec, [sourceA, numberA, sourceB, numberB, frames, path]) {
      canDraw = true;
      notice.textContent = '';
      let ends;
      try {
        ends = [await endOf(graphs, spec, sourceA, numberA), await endOf(graphs, spec, sourceB, numberB)];
        if (!(Math.trunc(frames) >= 2 && Math.trunc(frames) <= spec.max_frames)) throw new InputError(spec.said.frames);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        notice.textContent = `⚠ ${error.message}`;
        return;
      }
      ENDS.forEach((end, i) => {
        drawDigit(previews[end].querySelector('canvas'), ends[i].image);
        previews[end].querySelector('.genlab-live-title').textContent = ends[i].title;
      });
      const n = Math.trunc(frames);
      const z = new Float32Array(n * spec.latent);
      for (let i = 0; i < n; i++) {
        const t = Math.fround(i / (n - 1)); // torch.linspace(0, 1, n) in float32
        const [a, b] = [ends[0].z, ends[1].z];
        z.set(path === 'spherical' ? between(a, b, t) : a.map((value, j) => (1 - t) * value + t * b[j]), i * spec.latent);
      }
      const images = await run(graphs.decoder, { z: { data: z, dims: [n, spec.latent] } }, 'image');
      const captions = graphs.reader ? (await readings(graphs.reader, images, n)).map((read) => read.caption) : Array(n).fill('');
      strip.show(images, captions, n);
      if (spec.latent === 2) {
        const clamp = (value) => Math.max(-spec.extent, Math.min(spec.extent, value));
        const codes = Array.from({ length: n }, (_, i) => [clamp(z[2 * i]), clamp(z[2 * i + 1])]);
        document.dispatchEvent(new CustomEvent('genlab-map-path', { detail: { codes, colour: spec.path_colour } }));
      }
      window.genlab.grids[NAME] = { titles: ends.map((end) => end.title), captions, images: Array.from(images),
                                    previews: ends.map((end) => Array.from(end.image)) };
    },
  });

  onClick(live.spec().button, () => {
    pressed += 1;
    back();
  });
  document.addEventListener('genlab-drawing', (event) => {
    if (event.detail.sent && event.target.closest?.(`#${live.spec().own.pad}`)) drawings += 1;
  });
  document.addEventListener('genlab-upload', (event) => {
    if (event.target.closest?.(`#${live.spec().own.upload_box}`)) drawings += 1;
  });
  for (const type of ['input', 'change']) { // a control changed: the page draws again if it can
    document.addEventListener(type, (event) => {
      if (Object.values(live.spec().knobs).some((id) => event.target.closest?.(`#${id}`))) back();
    }, true);
  }
  function back() { // from the server's pictures to the page's, where it can draw them
    if (live.mode === 'server' && canDraw) live.setMode('page');
    live.changed();
  }
  watch('value', () => { canDraw = false; });
}

// One end's code and its preview (genlab.inference.explorer's endpoint and end_preview), or an InputError
// with the server's words.
async function endOf({ decoder, reader, encoder }, spec, source, number) {
  if (source === 'test digit') {
    if (!spec.test_digits) throw new InputError(spec.said.no_test_digits);
    const { count } = spec.test_digits;
    if (!(Number.isInteger(number) && number >= 0 && number < count)) throw new InputError(fill(spec.said.test_range, { last: count - 1 }));
    const { image, label } = await testDigit(spec.test_digits, number);
    const [mean] = await run(encoder, { image: { data: image, dims: [1, 1, SIDE, SIDE] } }, ['mean', 'spread']);
    return { z: mean, image, title: `Test digit ${number}: a ${label}` };
  }
  let z;
  if (source === 'random') {
    if (!(Number.isInteger(number) && number >= 0 && number <= spec.max_seed)) throw new InputError(`A seed is a whole number from 0 to ${spec.max_seed}.`);
    z = gaussian(number, 1, spec.latent);
  } else if (source === 'current sliders') {
    z = code(spec, sliderValues(spec.code_sliders));
  } else if (source === 'my drawing') {
    ({ mean: z } = await encodeOwn(encoder, spec));
  } else {
    throw new InputError(`An interpolation starts and ends at one of its sources; got '${source}'.`);
  }
  const image = await run(decoder, { z: { data: z, dims: [1, spec.latent] } }, 'image');
  return { z, image, title: `This end: ${await caption(reader, image)}` };
}
