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

let cell = null; // the one 28x28 canvas each digit is drawn on before it is enlarged onto a grid

// Draws digit `index` of a batch of images, side x side at (x, y) of a 2-D context, pixel by pixel.
export function paintDigit(context, images, index, x, y, side) {
  cell ??= Object.assign(document.createElement('canvas'), { width: SIDE, height: SIDE });
  drawDigit(cell, images, index * SIDE * SIDE);
  context.imageSmoothingEnabled = false;
  context.drawImage(cell, x, y, side, side);
}

export const CELL = { min: 64, max: 96 }; // CSS pixels a captioned digit takes in a grid: fewer columns below min
export const CAPTION = 20; // the caption's row under each digit
const FONT = '13px system-ui, sans-serif';

// The columns a grid of n captioned digits takes in `width` CSS pixels (at most `most`), and each one's cell.
export function gridFor(width, n, most = n) {
  const columns = Math.max(1, Math.min(most, n, Math.floor(width / CELL.min)));
  return { columns, cell: Math.min(CELL.max, Math.floor(width / columns)) };
}

// Draws n digits of a batch in rows of `columns`, each in a `cell`-pixel square with its caption beneath,
// sharp on any screen (the canvas has the screen's pixels; its CSS size is the layout's).
export function paintCaptioned(canvas, images, captions, n, columns, cell) {
  const rows = Math.ceil(n / columns);
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(columns * cell * scale);
  canvas.height = Math.round(rows * (cell + CAPTION) * scale);
  canvas.style.width = `${columns * cell}px`;
  canvas.style.height = `${rows * (cell + CAPTION)}px`;
  const context = canvas.getContext('2d');
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, columns * cell, rows * (cell + CAPTION));
  context.font = FONT;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillStyle = '#141414';
  for (let i = 0; i < n; i++) {
    const x = (i % columns) * cell, y = Math.floor(i / columns) * (cell + CAPTION);
    paintDigit(context, images, i, x + 3, y + 3, cell - 6);
    context.fillText(captions[i], x + cell / 2, y + cell + CAPTION / 2 - 2);
  }
}

// "7 (98%)": the label the reader is surest of and how sure (genlab.inference.classify.caption), or '' without a reader.
export async function caption(reader, image) {
  return reader ? (await readings(reader, image, 1))[0].caption : '';
}

// The reader's label and confidence for each of n images in one run, with their caption.
export async function readings(reader, images, n) {
  const probabilities = await run(reader, { image: { data: images, dims: [n, 1, SIDE, SIDE] } }, 'probabilities');
  return Array.from({ length: n }, (_, i) => {
    const row = probabilities.subarray(10 * i, 10 * i + 10);
    let label = 0;
    for (let digit = 1; digit < 10; digit++) if (row[digit] > row[label]) label = digit;
    return { label, confidence: row[label], caption: `${label} (${percent(row[label])})` };
  });
}

// A fraction as Python's f"{x:.0%}" writes it: an exact half rounds to the even neighbour.
export function percent(x) {
  return `${fixed(100 * x, 0)}%`;
}

// x with `digits` decimals as Python's format (and round) does. Both round the number's exact binary value, so
// they agree but for an exact half (0.375 to two decimals), which toFixed rounds up and Python to even. A
// product such as 100 x can round to a half the number is not (0.325 is a little over), so the half is looked
// for in the exact decimals, which toFixed gives.
export function fixed(x, digits) {
  const exact = x.toFixed(Math.min(100, digits + 40));
  const kept = exact.slice(0, exact.indexOf('.') + (digits ? 1 + digits : 0));
  const half = /^50*$/.test(exact.slice(exact.indexOf('.') + 1 + digits));
  return half && Number(kept.at(-1)) % 2 === 0 ? kept : x.toFixed(digits);
}
