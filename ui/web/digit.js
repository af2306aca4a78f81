// Drawing a generated 28x28 digit and reading it with the CNN, as the server does (genlab.inference.explorer,
// genlab.inference.classify): the same pixels (dark ink on white, 255 - round(255 x)) and the same caption.

import { run } from './runtime.js';

export const SIDE = 28;

export function drawDigit(canvas, image, offset = 0) {
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const ink = 255 - Math.round(255 * Math.min(1, Math.max(0, image[offset + i])));
    pixels.data.set([ink, ink, ink, 255], 4 * i);
  }
  context.putImageData(pixels, 0, 0);
}

// "7 (98%)": the label the reader is surest of and how sure (genlab.inference.classify.caption), or '' without a reader.
export async function caption(reader, image) {
  if (!reader) return '';
  const probabilities = await run(reader, { image: { data: image, dims: [1, 1, SIDE, SIDE] } }, 'probabilities');
  let best = 0;
  for (let digit = 1; digit < probabilities.length; digit++) {
    if (probabilities[digit] > probabilities[best]) best = digit;
  }
  return `${best} (${Math.round(100 * probabilities[best])}%)`;
}
