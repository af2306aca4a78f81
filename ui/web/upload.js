// A box to give a picture of a digit from a file, read in the page: choose a file, drop one on the box, or
// paste one while the box has focus. The file never leaves the browser. The picture is decoded as the
// server opens an upload (genlab.inference.preprocess.open_image, to_rgba: its size caps, the orientation its
// camera recorded, RGBA, shrunk to WORK_SIDE a side by Pillow's box filter on 8-bit premultiplied pixels, so
// the page's reading is the server's) and announced as a bubbling 'genlab-upload' event whose detail holds its
// pixels ({ data, width, height }, as ImageData holds them), or the server's message for a file it would
// refuse, or neither once the box is cleared, and kept as the box's `picture` (null when cleared). The modules that
// read it (Classify, the VAE explorer) listen, or look.
//
// The component's value is ui/web.py's upload_box limits and words, fields named as read here.

import { fill } from './live.js';
import { pyRound, WORK_SIDE } from './preprocess.js';

export function start({ element, props }) {
  const limits = JSON.parse(props.value);
  const input = element.querySelector('input[type=file]');
  const zone = element.querySelector('.genlab-upload-zone');
  const preview = element.querySelector('img');
  const clear = element.querySelector('[data-action=clear]');

  async function take(file) {
    if (!file) return;
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    clear.hidden = false;
    let detail;
    try {
      detail = { pixels: await readUpload(file, limits), error: null };
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      detail = { pixels: null, error: error.message };
      preview.hidden = true;
    }
    announce(detail);
  }

  function announce(detail) { // kept on the box too, for a module that reads it when it needs it (the explorer)
    element.querySelector('.genlab-upload').picture = detail.pixels || detail.error ? detail : null;
    element.dispatchEvent(new CustomEvent('genlab-upload', { bubbles: true, detail }));
  }

  input.addEventListener('change', () => take(input.files[0]));
  zone.addEventListener('dragover', (event) => { event.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    take(event.dataTransfer.files[0]);
  });
  element.addEventListener('paste', (event) => {
    const file = [...event.clipboardData.files][0];
    if (file) take(file);
  });
  clear.addEventListener('click', () => {
    input.value = '';
    URL.revokeObjectURL(preview.src);
    preview.removeAttribute('src');
    preview.hidden = clear.hidden = true;
    announce({ pixels: null, error: null });
  });
}

export class UploadError extends Error {}

// A file as the server opens it: its RGBA pixels, at most WORK_SIDE a side; an UploadError with the server's words
// for a file too large, a picture with too many pixels, or one that is not a picture.
export async function readUpload(file, { max_bytes: maxBytes, max_pixels: maxPixels, words }) {
  if (file.size > maxBytes) throw new UploadError(fill(words.too_big, { mb: maxBytes / 2 ** 20 }));
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new UploadError(words.not_an_image);
  }
  const { width, height } = bitmap;
  if (width * height > maxPixels) {
    bitmap.close();
    throw new UploadError(fill(words.too_many_pixels, { width, height, megapixels: maxPixels / 1e6 }));
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, width, height);
  return shrunk(data, width, height, WORK_SIDE);
}

// Pillow's Image.resize(..., Image.BOX) of an RGBA picture to fit `side` (genlab.inference.preprocess.to_rgba):
// premultiplied by alpha first and divided back after, as Pillow does for RGBA; each pass (across, then down) in
// Pillow's 8-bit fixed point. A picture that fits is returned as it is.
export function shrunk(data, width, height, side) {
  if (Math.max(width, height) <= side) return { data, width, height };
  const scale = side / Math.max(width, height);
  const [w, h] = [Math.max(1, pyRound(width * scale)), Math.max(1, pyRound(height * scale))];
  const premultiplied = new Uint8ClampedArray(data.length);
  for (let i = 0; i < data.length; i += 4) { // Pillow's rgbA2rgba: MULDIV255
    const alpha = data[i + 3];
    for (let c = 0; c < 3; c++) {
      const t = data[i + c] * alpha + 128;
      premultiplied[i + c] = ((t >> 8) + t) >> 8;
    }
    premultiplied[i + 3] = alpha;
  }
  const across = w === width ? premultiplied : resample(premultiplied, width, height, w, 'x');
  const down = h === height ? across : resample(across, w, height, h, 'y');
  const out = new Uint8ClampedArray(down.length);
  for (let i = 0; i < down.length; i += 4) { // Pillow's rgba2rgbA
    const alpha = down[i + 3];
    for (let c = 0; c < 3; c++) out[i + c] = alpha === 255 || alpha === 0 ? down[i + c] : Math.min(255, Math.trunc((255 * down[i + c]) / alpha));
    out[i + 3] = alpha;
  }
  return { data: out, width: w, height: h };
}

const PRECISION_BITS = 32 - 8 - 2; // Pillow's Resample.c

// One pass of Pillow's box filter along x (or y), from `size` pixels to `outSize` (the picture `width` wide):
// precompute_coeffs' windows and weights, normalize_coeffs_8bpc's integers, clip8's rounding.
function resample(data, width, height, outSize, axis) {
  const size = axis === 'x' ? width : height;
  const scale = size / outSize, filterScale = Math.max(1, scale), support = 0.5 * filterScale, ss = 1 / filterScale;
  const windows = Array.from({ length: outSize }, (_, i) => {
    const center = (i + 0.5) * scale;
    const first = Math.max(0, Math.trunc(center - support + 0.5));
    const last = Math.min(size, Math.trunc(center + support + 0.5));
    const weights = Array.from({ length: last - first }, (_, k) => {
      const x = (k + first - center + 0.5) * ss;
      return x > -0.5 && x <= 0.5 ? 1 : 0;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    return { first, weights: weights.map((weight) => Math.trunc(0.5 + (total ? weight / total : weight) * 2 ** PRECISION_BITS)) };
  });
  const [outWidth, outHeight] = axis === 'x' ? [outSize, height] : [width, outSize];
  const out = new Uint8ClampedArray(outWidth * outHeight * 4);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const { first, weights } = windows[axis === 'x' ? x : y];
      for (let c = 0; c < 4; c++) {
        let sum = 2 ** (PRECISION_BITS - 1);
        for (let k = 0; k < weights.length; k++) {
          const at = axis === 'x' ? (y * width + first + k) : ((first + k) * width + x);
          sum += data[4 * at + c] * weights[k];
        }
        out[4 * (y * outWidth + x) + c] = Math.min(255, Math.max(0, Math.floor(sum / 2 ** PRECISION_BITS)));
      }
    }
  }
  return out;
}
