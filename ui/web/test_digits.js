// The MNIST test digits, from the files the server (or the static site) holds them in (genlab.inference.
// explorer.test_digit_file: each file a number of digits' 784 grey levels, then their labels), as the server
// holds them: uint8 / 255 in float32. The spec names where (ui/web.py's test_digit_source: url, per_file).

const SIDE = 28;
const files = new Map(); // a file's url -> Promise of its bytes

async function file({ url, per_file: perFile }, number) {
  const address = new URL(`${url}/${Math.floor(number / perFile)}.bin`, document.baseURI).href;
  if (!files.has(address)) {
    const bytes = fetch(address).then((response) => {
      if (!response.ok) throw new Error(`genlab: ${response.status} for the test digits`);
      return response.arrayBuffer();
    }).then((buffer) => new Uint8Array(buffer));
    bytes.catch(() => files.delete(address));
    files.set(address, bytes);
  }
  return files.get(address);
}

// Test digit `number`: its grey levels and its label.
export async function testDigit(source, number) {
  const bytes = await file(source, number);
  const at = number % source.per_file, digits = bytes.length / (SIDE * SIDE + 1);
  const image = Float32Array.from(bytes.subarray(at * SIDE * SIDE, (at + 1) * SIDE * SIDE), (grey) => grey / 255);
  return { image, label: bytes[digits * SIDE * SIDE + at] };
}

// The first `n` test digits: their grey levels one after another, and their labels.
export async function firstDigits(source, n) {
  const digits = await Promise.all(Array.from({ length: n }, (_, number) => testDigit(source, number)));
  const images = new Float32Array(n * SIDE * SIDE);
  digits.forEach(({ image }, i) => images.set(image, i * SIDE * SIDE));
  return { images, labels: digits.map(({ label }) => label) };
}
