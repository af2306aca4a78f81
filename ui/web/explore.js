// The VAE explorer in the page: every slider input decodes the code in the browser and draws the
// digit with the CNN's reading; on a 2-D model the map shows where the code is, and hovering the map
// decodes the point under the pointer; a click pins it, the sliders moved there. Random sample (the
// seed's code from the prior, seeds.js) and Reset move the sliders in the page too, and so does Encode:
// the visitor's drawing is turned into the 28x28 input (preprocess.js) and the encoder's graph gives its
// code, with the posterior's rings on a 2-D map and the reconstruction beside the drawing (or a picture given to
// the upload box, upload.js, which goes first, as on the server). Once the sliders rest, What's happening's figures of their digit.
// Until the model is loaded, or where it cannot run, the tab's server path draws (see live.js).
//
// The spec (the component's value) is ui/explore.py's ExplorerSpec record: the graphs to fetch and
// the page's parts, its fields named as read here.

import { caption, drawDigit, fixed } from './digit.js';
import { numberIn, onClick, setNumber } from './knobs.js';
import { fill, measuresIn, sliderValues, startLive, whatsHappeningOpen, whatsHappeningOpens } from './live.js';
import { InputError, prepareDigit } from './preprocess.js';
import { run, session } from './runtime.js';
import { gaussian } from './seeds.js';

const REST_MS = 150; // sliders still this long have come to rest: What's happening measures the digit they hold

window.genlab.readings ??= {};

export function start({ element, props, trigger, watch }) {
  let hovered = null; // the code under the pointer on the map, or null
  const canvas = element.querySelector('canvas');
  const reading = element.querySelector('.genlab-reading');
  const notice = element.querySelector('.genlab-notice');
  let map = null;
  let note = ''; // what the page did to the sliders (a random sample, a reset), said before the reading
  let moving = false; // the page itself is moving the sliders: their input events are not a person's
  let reconstruct = null; // an encoding's code (joined), whose digit is drawn beside the drawing too
  let resting = null; // the figures wait for the sliders to rest
  let waiting = null; // ... and for What's happening to open
  const live = startLive({
    name: 'explore', element, props, trigger, watch, graphs: ['decoder', 'reader'], pageBlocks: (spec) => [spec.own.upload_box],
    values: (spec) => hovered ?? code(spec, sliderValues(spec.sliders)),
    async draw({ decoder, reader }, spec, z) {
      const image = await run(decoder, { z: { data: z, dims: [1, spec.latent] } }, 'image');
      drawDigit(canvas, image);
      if (reconstruct === z.join()) showReconstruction(spec, image);
      const read = await caption(reader, image);
      reading.innerHTML = [note, read ? `The CNN reads this as <strong>${read}</strong>.` : ''].filter(Boolean).join(' ');
      clearTimeout(resting); // What's happening's figures, once the sliders rest
      resting = setTimeout(() => writeFigures(decoder, spec), REST_MS);
    },
    onFrame: (spec, z) => map?.mark(z), // where the code is on the map: the pointer's point, else the sliders'
  });
  // What's happening's figures of the sliders' digit, into its block (in the page alone; ui/explore.py's SHOW_WORDS).
  async function writeFigures(decoder, spec) {
    if (live.mode !== 'page' || live.spec() !== spec || !spec.encoder) return;
    if (!whatsHappeningOpen(element)) { // closed: the encoder's graph is fetched once What's happening opens
      waiting ??= whatsHappeningOpens(element).then(() => { waiting = null; live.changed(); });
      return;
    }
    window.genlab.readings.vaeWords = await measured(decoder, spec);
    trigger('select');
  }
  async function measured(decoder, spec) {
    return figures(decoder, await session(spec.encoder), spec, code(spec, sliderValues(spec.sliders)));
  }
  measuresIn('vae', () => { // the Measure button
    const spec = live.spec(), decoder = live.sessions()?.decoder;
    if (live.mode !== 'page' || !decoder || !spec.encoder) throw new Error('genlab: the server measures this digit');
    return measured(decoder, spec);
  });
  document.addEventListener('input', (event) => { // a person moving a slider: what the page did is past
    if (!moving && live.spec().sliders.some((id) => event.target.closest?.(`#${id}`))) note = '';
  }, true);

  // The sliders to this code (its dimensions in the sliders' order, clamped to their range, to their step);
  // the map's rings, if any, go with a new code (as the server draws its map again without them).
  function moveTo(spec, z, said, rings = null) {
    map.rings = rings;
    map.path = null; // the server draws its map again without an interpolation's path
    moving = true;
    spec.order.forEach((dim, slot) => {
      if (slot < spec.sliders.length) setNumber(spec.sliders[slot], Math.round(100 * Math.max(-spec.extent, Math.min(spec.extent, z[dim]))) / 100);
    });
    moving = false;
    note = said;
    live.changed();
  }
  function showReconstruction(spec, image) { // in place of the server's (mounted once its accordion opened)
    reconstruct = null;
    const stand = document.getElementById(spec.own.reconstruction)?.querySelector('.genlab-reconstruction');
    if (!stand) return;
    drawDigit(stand.querySelector('canvas'), image);
    stand.style.display = '';
    live.setMode('page');
  }

  const buttons = live.spec().buttons;
  onClick(buttons.encode, async () => { // as ui/explore.py's encode: the sliders to the digit's code
    const spec = live.spec();
    if (live.mode !== 'page' || !spec.encoder) return trigger('upload');
    notice.textContent = '';
    let mean, spread;
    try {
      ({ mean, spread } = await encodeOwn(await session(spec.encoder), spec));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      notice.textContent = `⚠ ${error.message}`;
      return;
    }
    const twoD = spec.latent === 2;
    const said = spec.said.encoded + (twoD ? fill(spec.said.rings, { across: fixed(spread[0], 2), up: fixed(spread[1], 2) }) : '');
    moveTo(spec, mean, said, twoD ? { mean: mean.map((v) => Math.max(-spec.extent, Math.min(spec.extent, v))), spread } : null);
    reconstruct = code(spec, sliderValues(spec.sliders)).join(); // the sliders' code: what the server reconstructs
  });
  onClick(buttons.random, () => { // as genlab.inference.explorer's prior_sample and ui/explore.py's random_code
    const spec = live.spec();
    if (live.mode !== 'page') return trigger('submit');
    const seed = numberIn(spec.seed);
    notice.textContent = Number.isInteger(seed) && seed >= 0 && seed <= spec.max_seed ? ''
      : `A seed is a whole number from 0 to ${spec.max_seed}.`;
    if (notice.textContent) return;
    const z = gaussian(seed, 1, spec.latent);
    const clamped = z.some((value) => Math.abs(value) > spec.extent) ? ' (values beyond ±3 clamped to the sliders)' : '';
    moveTo(spec, z, `A sample from the prior with seed ${seed}${clamped}.`);
    setNumber(spec.seed, seed + 1); // the seed box moves on to the next seed
  });
  onClick(buttons.reset, () => {
    if (live.mode !== 'page') return trigger('click');
    moveTo(live.spec(), new Float32Array(live.spec().latent), 'Back to the origin.');
  });
  map = new MapOverlay(live.spec);
  map.onHover((z, event) => {
    if (live.mode !== 'page') return;
    hovered = z;
    live.changed(event.timeStamp);
  });
  map.onClick((z, event) => { // pins the point: the sliders move there (the server's click_map, in the page)
    if (live.mode !== 'page') return; // the server's select event moves them
    event.stopPropagation();
    moveTo(live.spec(), z, `Decoded the point (${fixed(z[0], 2)}, ${fixed(z[1], 2)}).`);
  });
}

// The encoder's posterior for the visitor's own digit (genlab.inference.explorer.posterior of visitor_digit): a
// picture given to the upload box if there is one, else the drawing on the pad; its mean and standard deviation;
// an InputError with the server's words for a blank or unreadable digit.
export async function encodeOwn(encoder, spec) {
  const given = document.querySelector(`#${spec.own.upload_box} .genlab-upload`)?.picture;
  if (given?.error) throw new InputError(given.error);
  let pixels = given?.pixels;
  if (!pixels) {
    const pad = document.querySelector(`#${spec.own.pad} canvas`);
    pixels = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height);
    if (!pixels.data.some((value, i) => i % 4 === 3 && value > 0)) throw new InputError(spec.said.no_digit);
  }
  const { digit } = prepareDigit(pixels.data, pixels.width, pixels.height);
  const [mean, spread] = await run(encoder, { image: { data: digit, dims: [1, 1, 28, 28] } }, ['mean', 'spread']);
  return { mean, spread };
}

// What's happening's words for the digit the code z decodes to (ui.whats_happening.vae_words of genlab.inference.
// objectives.decoded_elbo): the digit encoded again, its reconstruction (pixels as coin flips, from the decoder's
// logits at the posterior's mean) and its KL from the prior, in nats, and how far z is from the prior's centre.
async function figures(decoder, encoder, spec, z) {
  const image = await run(decoder, { z: { data: z, dims: [1, spec.latent] } }, 'image');
  const [mean, logVar] = await run(encoder, { image: { data: image, dims: [1, 1, 28, 28] } }, ['mean', 'log_var']);
  const logits = await run(decoder, { z: { data: mean, dims: [1, spec.latent] } }, 'logits');
  let reconstruction = 0, kl = 0;
  logits.forEach((l, i) => { reconstruction += Math.max(l, 0) - l * image[i] + Math.log1p(Math.exp(-Math.abs(l))); });
  mean.forEach((m, i) => { kl += 0.5 * (m * m + Math.exp(logVar[i]) - 1 - logVar[i]); });
  const distance = Math.sqrt(z.reduce((sum, v) => sum + v * v, 0));
  return `${spec.words.formula}\n\n${fill(spec.words.read, {
    reconstruction: fixed(reconstruction, 1), kl: fixed(kl, 1), total: fixed(reconstruction + kl, 1), distance: fixed(distance, 2) })}`;
}

// The latent code of the sliders' values (most-used dimension first), as genlab.inference.explorer.code makes it.
export function code(spec, values) {
  const z = new Float32Array(spec.latent);
  spec.order.forEach((dim, slot) => {
    if (slot < values.length && Number.isFinite(values[slot])) z[dim] = Math.max(-spec.extent, Math.min(spec.extent, values[slot]));
  });
  return z;
}

// A canvas over the 2-D map's picture: the axes with their ticks and a ring where the code is; and the
// pointer's position on the map as a code.
class MapOverlay {
  constructor(getSpec) {
    this.getSpec = getSpec;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'genlab-map-overlay';
    Object.assign(this.canvas.style, { position: 'absolute', pointerEvents: 'none', zIndex: 1 });
    this.listeners = [];
    this.drawn = ''; // what the overlay shows now: the code and the picture's box
    this.rings = null; // an encoding's posterior ({ mean, spread }) drawn as rings, or null
    this.path = null; // an interpolation's codes ({ codes: [[z1, z2], ...], colour }) drawn as a path, or null
    // (ui/web/vae_between.js sends it)
    document.addEventListener('genlab-map-path', (event) => { this.path = event.detail; this.drawn = ''; });
  }

  image() {
    const spec = this.getSpec();
    return spec.map && document.getElementById(spec.map)?.querySelector('img');
  }

  // The rectangle the picture fills inside its <img> (object-fit: contain), in CSS pixels.
  box(image) {
    const scale = Math.min(image.clientWidth / image.naturalWidth, image.clientHeight / image.naturalHeight);
    const width = image.naturalWidth * scale, height = image.naturalHeight * scale;
    return { left: (image.clientWidth - width) / 2, top: (image.clientHeight - height) / 2, width, height };
  }

  // The code at the pointer of a pointer event on the map's picture, or null off the picture.
  codeAt(event) {
    const image = this.image();
    if (!image || event.target !== image || !image.naturalWidth) return null;
    const extent = this.getSpec().extent, box = this.box(image);
    const x = (event.offsetX - box.left) / box.width, y = (event.offsetY - box.top) / box.height;
    if (x < 0 || x > 1 || y < 0 || y > 1) return null;
    return new Float32Array([x * 2 * extent - extent, extent - y * 2 * extent]);
  }

  onClick(callback) { // before Gradio's own listeners hear it (the capture phase): the page may take it
    document.addEventListener('click', (event) => {
      const z = this.codeAt(event);
      if (z) callback(z, event);
    }, true);
  }

  onHover(callback) {
    this.listeners.push(callback);
    document.addEventListener('pointermove', (event) => {
      const z = this.codeAt(event);
      if (z) this.listeners.forEach((listener) => listener(z, event));
    });
    document.addEventListener('pointerout', (event) => {
      if (event.target === this.image()) this.listeners.forEach((listener) => listener(null, event));
    });
  }

  mark(z) {
    const image = this.image();
    if (!image || !image.naturalWidth || z.length !== 2) return;
    if (this.canvas.parentElement !== image.parentElement) {
      image.parentElement.style.position = 'relative';
      image.parentElement.appendChild(this.canvas);
    }
    const box = this.box(image), ratio = window.devicePixelRatio || 1;
    const drawing = [...z, box.width, box.height, image.offsetLeft, image.offsetTop, this.rings?.mean, this.path?.codes].join();
    if (drawing === this.drawn) return;
    this.drawn = drawing;
    Object.assign(this.canvas.style, {
      left: `${image.offsetLeft + box.left}px`, top: `${image.offsetTop + box.top}px`,
      width: `${box.width}px`, height: `${box.height}px`,
    });
    this.canvas.width = Math.round(box.width * ratio);
    this.canvas.height = Math.round(box.height * ratio);
    const context = this.canvas.getContext('2d');
    context.scale(ratio, ratio);
    drawAxes(context, box.width, box.height, this.getSpec().extent);
    const extent = this.getSpec().extent;
    if (this.rings) drawRings(context, this.rings, box, extent, this.getSpec().ring_colour);
    if (this.path) drawPath(context, this.path, box, extent, box.width / image.naturalWidth);
    const x = (z[0] + extent) / (2 * extent) * box.width, y = (extent - z[1]) / (2 * extent) * box.height;
    for (const [radius, colour, width] of [[9, '#000', 3], [7, '#ffd400', 2]]) {
      context.beginPath();
      context.arc(x, y, radius, 0, 2 * Math.PI);
      context.strokeStyle = colour;
      context.lineWidth = width;
      context.stroke();
    }
  }
}

// A digit's posterior as genlab.inference.latent.draw_posterior draws it: its mean dotted, upright ellipses at
// one and two standard deviations.
function drawRings(context, { mean, spread }, box, extent, colour) {
  const x = (mean[0] + extent) / (2 * extent) * box.width, y = (extent - mean[1]) / (2 * extent) * box.height;
  const rx = spread[0] / (2 * extent) * box.width, ry = spread[1] / (2 * extent) * box.height;
  context.strokeStyle = context.fillStyle = colour;
  for (const [k, width] of [[1, 3], [2, 2]]) {
    context.beginPath();
    context.ellipse(x, y, k * rx, k * ry, 0, 0, 2 * Math.PI);
    context.lineWidth = width;
    context.stroke();
  }
  context.beginPath();
  context.arc(x, y, 4, 0, 2 * Math.PI);
  context.fill();
}

// An interpolation's path as genlab.inference.latent.draw_path draws it (its sizes in the map picture's pixels,
// scaled to the box): a line through the codes, a dot at each, the start ringed.
function drawPath(context, { codes, colour }, box, extent, scale) {
  const points = codes.map(([a, b]) => [(a + extent) / (2 * extent) * box.width, (extent - b) / (2 * extent) * box.height]);
  context.strokeStyle = context.fillStyle = colour;
  context.lineWidth = 3 * scale;
  context.beginPath();
  points.forEach(([x, y], i) => (i ? context.lineTo(x, y) : context.moveTo(x, y)));
  context.stroke();
  for (const [x, y] of points) {
    context.beginPath();
    context.arc(x, y, 4 * scale, 0, 2 * Math.PI);
    context.fill();
  }
  context.beginPath();
  context.arc(points[0][0], points[0][1], 9 * scale, 0, 2 * Math.PI);
  context.stroke();
}

// Ticks at every whole number along the bottom (z1) and the left edge (z2), with the axes' names.
function drawAxes(context, width, height, extent) {
  context.font = '11px sans-serif';
  context.fillStyle = 'rgba(0, 0, 0, 0.75)';
  context.strokeStyle = 'rgba(0, 0, 0, 0.75)';
  context.lineWidth = 1;
  for (let tick = -Math.floor(extent); tick <= extent; tick++) {
    const x = (tick + extent) / (2 * extent) * width, y = (extent - tick) / (2 * extent) * height;
    context.beginPath();
    context.moveTo(x, height);
    context.lineTo(x, height - 6);
    context.moveTo(0, y);
    context.lineTo(6, y);
    context.stroke();
    if (Math.abs(tick) < extent) {
      context.fillText(String(tick), x - 3, height - 9);
      context.fillText(String(tick), 9, y + 4);
    }
  }
  context.fillText('z1 →', width - 34, height - 9);
  context.fillText('z2 ↑', 9, 14);
}
