// One GAN sample walked live in the page: the walk slider moves its noise along the great circle
// toward the first sample of seed B, the truncation slider shrinks it, and the generator (run by ONNX
// Runtime Web) redraws it on every input, with the CNN's reading. The sample is number `sample` of the
// grid the controls draw (gan_grid.js), its noise the seed's own (seeds.js); a new sample, seed B or
// grid starts the walk again at the sample, with the grid's truncation. Until the generator is loaded,
// or where it cannot run, the tab's server path draws (see live.js).
//
// The spec (the component's value) is ui/sample.py's WalkSpec record, its fields named as read here;
// its sliders are [walk, truncation], its ends the ids of the controls that choose the two samples.

import { caption, drawDigit } from './digit.js';
import { choiceIn, numberIn, setNumber } from './knobs.js';
import { sliderValues, startLive } from './live.js';
import { between, gaussian } from './seeds.js';
import { run } from './runtime.js';

export function start({ element, props, trigger, watch }) {
  const canvas = element.querySelector('canvas');
  const reading = element.querySelector('.genlab-reading');
  const notice = element.querySelector('.genlab-notice');
  let started = null; // the ends (and the grid's truncation) the walk was last started at
  startLive({
    name: 'gan', element, props, trigger, watch, graphs: ['generator', 'reader'], drawnWithSpec: false,
    serverMovesNothing: true,
    values: (spec) => [...sliderValues(spec.sliders), ...ends(spec)],
    async draw({ generator, reader }, spec, [walk, truncation, seed, count, , digit, sample, seedB]) {
      notice.textContent = invalid(spec, seed, count, sample, seedB);
      if (notice.textContent) return;
      const a = gaussian(seed, 1, spec.noise, sample - 1), b = gaussian(seedB, 1, spec.noise);
      const noise = between(a, b, walk).map((value) => value * truncation);
      const feeds = { noise: { data: noise, dims: [1, noise.length] } };
      if (spec.classes) {
        const label = digit === spec.any_digit ? (sample - 1) % spec.classes : Number(digit);
        feeds.digit = { data: BigInt64Array.of(BigInt(label)), dims: [1] };
      }
      const image = await run(generator, feeds, 'image');
      drawDigit(canvas, image);
      const read = await caption(reader, image);
      reading.innerHTML = read ? `The CNN reads this as <strong>${read}</strong>.` : '';
    },
    onFrame(spec) { // a new start: back at the sample, with the grid's truncation (as the server's walk did)
      const now = ends(spec).join();
      if (started !== null && now !== started) {
        setNumber(spec.sliders[0], 0);
        setNumber(spec.sliders[1], numberIn(spec.ends.truncation));
      }
      started = now;
    },
  });
}

// [seed, count, grid truncation, digit, sample, seed B]: what chooses the walk's two samples.
function ends(spec) {
  const { seed, count, truncation, digit, sample, seed_b: seedB } = spec.ends;
  return [numberIn(seed), numberIn(count), numberIn(truncation), choiceIn(digit), numberIn(sample), numberIn(seedB)];
}

// The message the server would give for these ends, or '' (genlab.inference.sampler.walk_ends' checks).
function invalid({ max_seed: maxSeed, max_samples: maxSamples }, seed, count, sample, seedB) {
  const whole = (value) => Number.isInteger(value) && value >= 0 && value <= maxSeed;
  if (!whole(seed)) return `The seed is a whole number from 0 to ${maxSeed}.`;
  if (!(count >= 1 && count <= maxSamples)) return `The number of samples must be a number from 1 to ${maxSamples}.`;
  if (!(Number.isInteger(sample) && sample >= 1 && sample <= Math.floor(count))) return `The sample to walk must be a number from 1 to ${Math.floor(count)}.`;
  if (!whole(seedB)) return `Seed B is a whole number from 0 to ${maxSeed}.`;
  return '';
}
