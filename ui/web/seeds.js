// What a seed names, and walks through noise: the page's twin of genlab.core.seeds (gaussian, the image
// models' noise; uniform, the draws that pick the LSTM's characters) and genlab.inference.latent.between,
// held to them by browser tests.

// PCG's output hash of a 32-bit value, in 32-bit integer arithmetic (genlab.core.seeds.hash32).
function hash32(value) {
  const state = (Math.imul(value, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

// Rows first .. first + count - 1 of the seed's noise (size numbers a row), as the server draws them:
// number k is the cosine (k even) or sine (k odd) half of Box-Muller pair k >> 1.
export function gaussian(seed, count, size, first = 0) {
  const mixed = hash32(seed >>> 0);
  const numbers = new Float32Array(count * size);
  for (let i = 0; i < numbers.length; i++) {
    const k = first * size + i;
    const pair = Math.floor(k / 2);
    const u1 = (hash32(hash32(2 * pair) ^ mixed) + 1) / 2 ** 32; // in (0, 1]
    const u2 = hash32(hash32(2 * pair + 1) ^ mixed) / 2 ** 32;
    const angle = 2 * Math.PI * u2;
    numbers[i] = Math.sqrt(-2 * Math.log(u1)) * (k % 2 === 0 ? Math.cos(angle) : Math.sin(angle));
  }
  return numbers;
}

// Numbers first .. first + count - 1 of the seed's uniform draws in [0, 1) (genlab.core.seeds.uniform).
export function uniform(seed, count, first = 0) {
  const mixed = hash32(seed >>> 0);
  return Float64Array.from({ length: count }, (_, i) => hash32(hash32(first + i) ^ mixed) / 2 ** 32);
}

// The point a fraction t of the way from a to b along the great circle, as genlab.inference.latent.between.
export function between(a, b, t) {
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
