// The GAN sampler's interpolation between two seeds, drawn in the page: the first noise vector of seed A
// and of seed B (seeds.js, the server's own numbers), the frames evenly spaced between them, straight or
// along the great circle, the generator's digits with the CNN's reading under each, and the frames played
// forward and back, as the server's strip and GIF (genlab.inference.sampler.walk). It follows its controls
// as they change (the server drew only when Interpolate was pressed); where the page cannot run the
// model, Interpolate asks the server (the component's input event) and the server's pictures show.
//
// The spec (the component's value) is ui/sample.py's BetweenSpec record, its fields named as read here.
// window.genlab.grids.between is what the strip shows now (its values, captions and pixels).

import { readings } from './digit.js';
import { choiceIn, numberIn, onClick } from './knobs.js';
import { startLive } from './live.js';
import { between, gaussian } from './seeds.js';
import { run } from './runtime.js';
import { FrameStrip } from './strip.js';

window.genlab.grids ??= {};

export function start({ element, props, trigger, watch }) {
  const strip = new FrameStrip(element.querySelector('canvas[data-picture=strip]'),
                                element.querySelector('canvas[data-picture=animation]'));
  const notice = element.querySelector('.genlab-notice');
  let pressed = 0; // Interpolate pressed so often: each press draws again (the server's path asks it then only)
  const live = startLive({
    name: 'gan-between', element, props, trigger, watch, graphs: ['generator', 'reader'],
    values: ({ knobs }) => [numberIn(knobs.seed_a), numberIn(knobs.seed_b), numberIn(knobs.frames),
                            choiceIn(knobs.path), choiceIn(knobs.digit), pressed],
    async draw({ generator, reader }, spec, [seedA, seedB, frames, path, digit]) {
      notice.textContent = invalid(spec, seedA, seedB, frames);
      if (notice.textContent) return;
      const n = Math.floor(frames);
      const a = gaussian(seedA, 1, spec.noise), b = gaussian(seedB, 1, spec.noise);
      const noise = new Float32Array(n * spec.noise);
      for (let i = 0; i < n; i++) {
        const t = Math.fround(i / (n - 1)); // torch.linspace(0, 1, n) in float32
        noise.set(path === 'spherical' ? between(a, b, t) : a.map((value, j) => (1 - t) * value + t * b[j]), i * spec.noise);
      }
      const feeds = { noise: { data: noise, dims: [n, spec.noise] } };
      if (spec.classes) { // the conditional GAN draws the chosen digit all along, 0 for any
        const label = BigInt(digit === spec.any_digit ? 0 : Number(digit));
        feeds.digit = { data: new BigInt64Array(n).fill(label), dims: [n] };
      }
      const images = await run(generator, feeds, 'image');
      const captions = reader ? (await readings(reader, images, n)).map((read) => read.caption) : Array(n).fill('');
      strip.show(images, captions, n);
      window.genlab.grids.between = { values: { seedA, seedB, frames: n, path, digit }, captions,
                                      images: Array.from(images) };
    },
  });

  onClick(live.spec().button, () => {
    pressed += 1;
    live.changed();
  });
}

// The message the server would give for these controls, or '' (genlab.inference.sampler.walk's checks).
function invalid({ max_seed: maxSeed, max_frames: maxFrames }, seedA, seedB, frames) {
  const whole = (value) => Number.isInteger(value) && value >= 0 && value <= maxSeed;
  if (!whole(seedA)) return `Seed A is a whole number from 0 to ${maxSeed}.`;
  if (!whole(seedB)) return `Seed B is a whole number from 0 to ${maxSeed}.`;
  if (!(frames >= 2 && frames <= maxFrames)) return `Frames must be a number from 2 to ${maxFrames}.`;
  return '';
}
