// Frames of an interpolation as the server shows them: a strip of digits, each with its caption (laid out
// for the width it has, digit.js's gridFor), and the frames played forward and back as the server's GIF
// plays them. The GAN sampler's seed-to-seed walk and the VAE explorer's digit-to-digit one both show theirs so.

import { drawDigit, gridFor, paintCaptioned, SIDE } from './digit.js';

const FPS = 12; // the server's GIF plays at 12 frames a second

export class FrameStrip {
  constructor(strip, animation) {
    Object.assign(this, { strip, animation, shown: null, playing: null });
    new ResizeObserver(() => this.paint()).observe(strip.parentElement);
  }

  // images: n digits of SIDE x SIDE grey levels, one after another; captions: one line under each.
  show(images, captions, n) {
    this.shown = { images, captions, n };
    this.paint();
    this.play();
  }

  paint() {
    if (!this.shown) return;
    const { images, captions, n } = this.shown;
    const { columns, cell } = gridFor(this.strip.parentElement.clientWidth, n);
    paintCaptioned(this.strip, images, captions, n, columns, cell);
  }

  play() { // forward, then back without repeating the ends: a seamless loop
    clearInterval(this.playing);
    const { images, n } = this.shown;
    const order = [...Array(n).keys(), ...Array.from({ length: n - 2 }, (_, i) => n - 2 - i)];
    let step = 0;
    this.playing = setInterval(() => drawDigit(this.animation, images, SIDE * SIDE * order[step++ % order.length]), 1000 / FPS);
  }
}
