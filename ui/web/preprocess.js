// A drawing of a digit turned into the 28x28 MNIST-style input, in the page: the same steps, numbers and
// messages as genlab/inference/preprocess.py (crop to the ink, ignore specks, normalise the strokes, fit
// 20x20 keeping the aspect, centre by centre of mass), so the page reads a drawing as the server would.
// A browser test holds the two together on a thousand MNIST test digits drawn large and off-centre.
// Pictures are { h, w, data } with data a Float32Array, row by row, as torch holds them.

export const WORK_SIDE = 512; // the largest side read here (the Python side shrinks larger pictures first)
const COARSE_SIDE = 128;
const CROP_SIDE = 80;
const TARGET_STROKE = 1.9;
const MIN_CONTRAST = 0.08;

export class InputError extends Error {}
const BLANK = 'The image is blank: there is no ink to read. Draw or upload a digit.';

const picture = (h, w, data = new Float32Array(h * w)) => ({ h, w, data });

// Python's round(): a half goes to the even neighbour.
export function pyRound(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function crop({ w, data }, top, bottom, left, right) {
  const out = picture(bottom - top, right - left);
  for (let y = top; y < bottom; y++) out.data.set(data.subarray(y * w + left, y * w + right), (y - top) * out.w);
  return out;
}

function windows(size, out) { // adaptive pooling's windows along one axis: [start, end) for each output
  return Array.from({ length: out }, (_, i) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
}

// Each output pixel the mean or the max of its window (adaptive_avg_pool2d, adaptive_max_pool2d).
function adaptivePool(p, h, w, how) {
  const out = picture(h, w);
  const rows = windows(p.h, h), cols = windows(p.w, w);
  rows.forEach(([y0, y1], i) => cols.forEach(([x0, x1], j) => {
    let sum = 0, max = -Infinity;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      const v = p.data[y * p.w + x];
      sum += v;
      max = Math.max(max, v);
    }
    out.data[i * w + j] = how === 'max' ? max : sum / ((y1 - y0) * (x1 - x0));
  }));
  return out;
}
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

function bilinear(p, h, w) { // torch's bilinear with align_corners=False
  const out = picture(h, w);
  const taps = (size, outSize) => Array.from({ length: outSize }, (_, i) => {
    const src = Math.max(0, (i + 0.5) * Math.fround(size / outSize) - 0.5);
    const i0 = Math.min(Math.floor(src), size - 1);
    return [i0, i0 < size - 1 ? i0 + 1 : i0, src - i0];
  });
  const ys = taps(p.h, h), xs = taps(p.w, w);
  ys.forEach(([y0, y1, ly], i) => xs.forEach(([x0, x1, lx], j) => {
    const at = (y, x) => p.data[y * p.w + x];
    out.data[i * w + j] = (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
  }));
  return out;
}

// Area averaging when shrinking (anti-aliased, as MNIST was), bilinear when enlarging.
function resize(p, h, w) {
  return h <= p.h && w <= p.w ? adaptivePool(p, h, w, 'mean') : bilinear(p, h, w);
}

function fit(p, side) {
  const scale = side / Math.max(p.h, p.w);
  return resize(p, Math.max(1, pyRound(p.h * scale)), Math.max(1, pyRound(p.w * scale)));
}

// A (2r+1)-square window's max (or min) at every pixel, the window cut at the edges (max_pool2d's
// padding): a pass along the rows, then one down the columns.
function slide(p, radius, how) {
  const pick = how === 'max' ? Math.max : Math.min;
  const pass = (source, lines, length, stride, step) => { // `lines` lines of `length` pixels
    const out = new Float32Array(source.length);
    for (let line = 0; line < lines; line++) for (let i = 0; i < length; i++) {
      let best = source[line * stride + i * step];
      for (let k = Math.max(0, i - radius); k <= Math.min(length - 1, i + radius); k++) {
        best = pick(best, source[line * stride + k * step]);
      }
      out[line * stride + i * step] = best;
    }
    return out;
  };
  return picture(p.h, p.w, pass(pass(p.data, p.h, p.w, p.w, 1), p.w, p.h, 1, p.w));
}

function padded(p, by) {
  const out = picture(p.h + 2 * by, p.w + 2 * by);
  for (let y = 0; y < p.h; y++) out.data.set(p.data.subarray(y * p.w, (y + 1) * p.w), (y + by) * out.w + by);
  return out;
}

function nth(values, k) { // the k-th smallest (from 0), found without sorting them all (Hoare's select)
  let low = 0, high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1];
    let i = low, j = high;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) { [values[i], values[j]] = [values[j], values[i]]; i++; j--; }
    }
    if (k <= j) high = j; else if (k >= i) low = i; else return values[k];
  }
  return values[k];
}

function quantile(values, q) { // torch.quantile's linear interpolation between the two nearest ranks
  const at = q * (values.length - 1), low = Math.floor(at), high = Math.ceil(at);
  const below = nth(values, low), above = nth(values, high);
  return below + (at - low) * (above - below);
}

// Where the ink is, 1.0 for full ink, whatever the colours: from alpha if the background is transparent,
// else from the difference in brightness to the background (read off the border).
function inkMap(rgba, w, h, notes) {
  const n = w * h;
  const alpha = new Float32Array(n);
  let opaque = 0;
  for (let i = 0; i < n; i++) {
    alpha[i] = rgba[4 * i + 3] / 255;
    if (alpha[i] > 0.5) opaque++;
  }
  let ink = new Float32Array(n);
  if (opaque / n < 0.6) {
    notes.push('read the strokes from the transparency');
    ink = alpha;
  } else {
    const grey = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const r = Math.fround(rgba[4 * i] / 255), g = Math.fround(rgba[4 * i + 1] / 255), b = Math.fround(rgba[4 * i + 2] / 255);
      grey[i] = Math.fround(Math.fround(0.299 * r + 0.587 * g + 0.114 * b) * alpha[i]) + (1 - alpha[i]);
    }
    const border = [];
    for (let x = 0; x < w; x++) border.push(grey[x]);
    for (let x = 0; x < w; x++) border.push(grey[(h - 1) * w + x]);
    for (let y = 0; y < h; y++) border.push(grey[y * w]);
    for (let y = 0; y < h; y++) border.push(grey[y * w + w - 1]);
    border.sort((a, b) => a - b);
    const background = border[Math.floor((border.length - 1) / 2)]; // torch's median: the lower middle value
    if (background < 0.5) notes.push('light ink on a dark background');
    for (let i = 0; i < n; i++) ink[i] = Math.abs(grey[i] - background);
  }
  const step = Math.max(1, Math.floor(n / 100_000));
  const sampled = new Float32Array(Math.ceil(n / step));
  for (let i = 0; i < sampled.length; i++) sampled[i] = ink[i * step];
  const contrast = quantile(sampled, 0.999);
  if (contrast < MIN_CONTRAST) throw new InputError(BLANK);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const scaled = Math.min(1, Math.max(0, Math.fround(ink[i] / contrast)));
    out[i] = Math.min(1, Math.max(0, Math.fround(scaled - 0.15) / 0.85));
  }
  return picture(h, w, out);
}

// Connected blobs (8 neighbours) of a mask: each pixel's blob number (0: none) and each blob's size.
function blobs(mask, h, w) {
  const label = new Int32Array(h * w), sizes = [0];
  for (let start = 0; start < h * w; start++) {
    if (!mask[start] || label[start]) continue;
    const id = sizes.length, stack = [start];
    label[start] = id;
    let size = 0;
    while (stack.length) {
      const at = stack.pop(), y = Math.floor(at / w), x = at % w;
      size++;
      for (let v = Math.max(0, y - 1); v <= Math.min(h - 1, y + 1); v++) for (let u = Math.max(0, x - 1); u <= Math.min(w - 1, x + 1); u++) {
        const next = v * w + u;
        if (mask[next] && !label[next]) { label[next] = id; stack.push(next); }
      }
    }
    sizes.push(size);
  }
  return { label, sizes };
}

// Mean stroke width in pixels, as 2 x area / boundary.
function strokeWidth(p) {
  const mask = picture(p.h, p.w, p.data.map((v) => (v > 0.5 ? 1 : 0)));
  const interior = slide(padded(mask, 1), 1, 'min');
  let area = 0, boundary = 0;
  for (let y = 0; y < p.h; y++) for (let x = 0; x < p.w; x++) {
    if (!mask.data[y * p.w + x]) continue;
    area++;
    if (!(interior.data[(y + 1) * interior.w + x + 1] > 0.5)) boundary++;
  }
  return (2 * area) / Math.max(1, boundary);
}

// The bounding box of the digit's blobs at full size, ignoring specks; refuses noise.
function findDigit(ink, notes) {
  let mask = picture(ink.h, ink.w, ink.data.map((v) => (v > 0.35 ? 1 : 0)));
  if (Math.max(ink.h, ink.w) > COARSE_SIDE) {
    const scale = COARSE_SIDE / Math.max(ink.h, ink.w);
    const coarse = adaptivePool(mask, Math.max(1, pyRound(ink.h * scale)), Math.max(1, pyRound(ink.w * scale)), 'max');
    mask = picture(coarse.h, coarse.w, coarse.data.map((v) => (v > 0.5 ? 1 : 0)));
  }
  const { label, sizes } = blobs(mask.data, mask.h, mask.w);
  const found = sizes.length - 1;
  if (!found) throw new InputError(BLANK);
  const largest = sizes.reduce((a, b) => Math.max(a, b));
  const keep = new Set(sizes.map((size, id) => (id && size >= Math.max(3, 0.05 * largest) ? id : 0)).filter(Boolean));
  if (!keep.size) throw new InputError('There are only scattered specks here, not a handwritten digit.');
  if (keep.size > 12) throw new InputError(`This looks like noise or many objects (${keep.size} separate blobs), not one handwritten digit.`);
  if (keep.size < found) notes.push(`ignored ${found - keep.size} specks`);
  let top = mask.h, bottom = 0, left = mask.w, right = 0;
  label.forEach((id, at) => {
    if (!keep.has(id)) return;
    const y = Math.floor(at / mask.w), x = at % mask.w;
    top = Math.min(top, y); bottom = Math.max(bottom, y + 1); left = Math.min(left, x); right = Math.max(right, x + 1);
  });
  const scaleY = ink.h / mask.h, scaleX = ink.w / mask.w;
  const rows = [Math.trunc(top * scaleY), Math.max(Math.trunc(top * scaleY) + 1, pyRound(bottom * scaleY))];
  const cols = [Math.trunc(left * scaleX), Math.max(Math.trunc(left * scaleX) + 1, pyRound(right * scaleX))];
  const boxH = bottom - top, boxW = right - left;
  if (mean(crop(mask, top, bottom, left, right).data) > 0.75 && boxH / boxW > 0.4 && boxH / boxW < 2.5 && boxH * boxW > 64) {
    const digit = crop(ink, ...rows, ...cols);
    if (strokeWidth(digit) < 3.0) throw new InputError('This looks like noise or a texture, not a handwritten digit.');
    if (mean(digit.data.map((v) => (v > 0.5 ? 1 : 0))) > 0.9) throw new InputError('This looks like a filled shape, not a handwritten digit.');
  }
  return [rows, cols];
}

// Fit the digit's crop to CROP_SIDE, thinning strokes that would be blobs in 28x28 and thickening ones
// that would fade away (a fine pen on a large canvas).
function shrinkNormalisingStrokes(p, notes) {
  const side = Math.max(p.h, p.w);
  const width = strokeWidth(p) * (20 / side);
  let radius = pyRound((((TARGET_STROKE - width) / 2) * CROP_SIDE) / 20);
  const h = Math.max(1, pyRound((p.h * CROP_SIDE) / side)), w = Math.max(1, pyRound((p.w * CROP_SIDE) / side));
  if (width < 1.0 && radius >= 1) {
    notes.push('thickened thin strokes');
    const small = side > CROP_SIDE ? adaptivePool(p, h, w, 'max') : resize(p, h, w);
    return slide(padded(small, radius), radius, 'max');
  }
  const small = resize(p, h, w);
  if (width > 3.0 && radius <= -1) {
    radius = Math.min(-radius, Math.floor(Math.trunc(strokeWidth(small) - 2) / 2));
    if (radius >= 1) {
      notes.push('thinned thick strokes');
      return slide(small, radius, 'min');
    }
  }
  return small;
}

function trim(p) { // cut away empty rows and columns around the ink
  let top = p.h, bottom = 0, left = p.w, right = 0;
  p.data.forEach((v, at) => {
    if (!(v > 0.05)) return;
    const y = Math.floor(at / p.w), x = at % p.w;
    top = Math.min(top, y); bottom = Math.max(bottom, y + 1); left = Math.min(left, x); right = Math.max(right, x + 1);
  });
  return crop(p, top, bottom, left, right);
}

function centreByMass(box) { // the (at most 20x20) digit in 28x28, its centre of mass at the centre pixel
  let total = 0, sumY = 0, sumX = 0;
  box.data.forEach((v, at) => { total += v; sumY += v * Math.floor(at / box.w); sumX += v * (at % box.w); });
  const top = Math.min(Math.max(pyRound(14 - sumY / total), 0), 28 - box.h);
  const left = Math.min(Math.max(pyRound(14 - sumX / total), 0), 28 - box.w);
  const frame = new Float32Array(28 * 28);
  for (let y = 0; y < box.h; y++) frame.set(box.data.subarray(y * box.w, (y + 1) * box.w), (top + y) * 28 + left);
  return frame;
}

// RGBA pixels (as ImageData holds them) of a picture at most WORK_SIDE a side -> { digit: the 28x28 input
// in [0, 1], white ink on black like MNIST, notes: what was done }; an InputError says why it cannot be read.
export function prepareDigit(rgba, w, h) {
  if (Math.max(w, h) > WORK_SIDE) throw new InputError(`Pictures over ${WORK_SIDE} pixels a side are read by the server.`);
  const notes = [];
  const ink = inkMap(rgba, w, h, notes);
  const [rows, cols] = findDigit(ink, notes);
  const box = fit(trim(shrinkNormalisingStrokes(crop(ink, ...rows, ...cols), notes)), 20);
  const peak = Math.max(box.data.reduce((a, b) => Math.max(a, b)), 1e-6);
  return { digit: centreByMass(picture(box.h, box.w, box.data.map((v) => v / peak))), notes };
}
