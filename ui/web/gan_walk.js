// One GAN sample walked live in the page: the walk slider moves its noise along the great circle
// toward another seed's sample, the truncation slider shrinks it, and the generator (run by ONNX
// Runtime Web) redraws it on every input, with the CNN's reading. Until the generator is loaded,
// or where it cannot run, the tab's server path draws (see live.js).
//
// The spec (the component's value) is ui/sample.py's WalkSpec record, its fields named as read here;
// its sliders are [walk, truncation]. The noise vectors come from the server, which owns the seeds
// (torch's random numbers).

import { caption, drawDigit } from './digit.js';
import { sliderValues, startLive } from './live.js';
import { run } from './runtime.js';

export function start({ element, props, trigger, watch }) {
  const canvas = element.querySelector('canvas');
  const reading = element.querySelector('.genlab-reading');
  startLive({
    name: 'gan', element, props, trigger, watch, graphs: ['generator', 'reader'],
    values: (spec) => sliderValues(spec.sliders),
    async draw({ generator, reader }, spec, [walk, truncation]) {
      const noise = between(spec.a, spec.b, walk).map((value) => value * truncation);
      const feeds = { noise: { data: noise, dims: [1, noise.length] } };
      if (spec.digit !== null) feeds.digit = { data: BigInt64Array.of(BigInt(spec.digit)), dims: [1] };
      const image = await run(generator, feeds, 'image');
      drawDigit(canvas, image);
      const read = await caption(reader, image);
      reading.innerHTML = read ? `The CNN reads this as <strong>${read}</strong>.` : '';
    },
  });
}

// The point a fraction t of the way from a to b along the great circle, as genlab.inference.latent.between.
function between(a, b, t) {
  const dot = a.reduce((sum, value, i) => sum + value * b[i], 0);
  const norms = Math.hypot(...a) * Math.hypot(...b);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.max(norms, 1e-8))));
  const point = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    point[i] = Math.abs(omega) < 1e-4
      ? (1 - t) * a[i] + t * b[i]
      : (Math.sin((1 - t) * omega) * a[i] + Math.sin(t * omega) * b[i]) / Math.sin(omega);
  }
  return point;
}
