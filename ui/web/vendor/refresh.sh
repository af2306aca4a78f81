#!/usr/bin/env bash
# Vendor the browser packages the page uses, from npm at the versions below, so the page needs no CDN
# (offline, in the tests, on a Space): ONNX Runtime Web (the files its plain WebAssembly backend needs,
# its licence and its package.json), and for the static site's shell (ui/web/shell.js), which renders
# Markdown and formulas as Gradio's page does, marked and KaTeX (its fonts in woff2 alone, which every
# browser that runs WebAssembly reads). Run from anywhere: bash ui/web/vendor/refresh.sh
set -euo pipefail
VERSION=1.30.0
MARKED=16.4.2
KATEX=0.16.25
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
unpack() { # npm package, version: unpacked under $WORK/$1
  mkdir -p "$WORK/$1" && (cd "$WORK" && npm pack --silent "$1@$2" >/dev/null && tar xzf "$1-$2.tgz" -C "$1")
}

OUT="$HERE/marked"
unpack marked "$MARKED"
rm -rf "$OUT" && mkdir -p "$OUT"
cp "$WORK/marked/package/lib/marked.esm.js" "$WORK/marked/package/LICENSE.md" "$WORK/marked/package/package.json" "$OUT/"

OUT="$HERE/katex"
unpack katex "$KATEX"
rm -rf "$OUT" && mkdir -p "$OUT/fonts"
cp "$WORK/katex/package/dist/katex.min.js" "$WORK/katex/package/dist/contrib/auto-render.min.js" \
  "$WORK/katex/package/LICENSE" "$WORK/katex/package/package.json" "$OUT/"
# the stylesheet without its woff and ttf fallbacks, so a browser never asks for a file not vendored
sed -E 's/,url\(fonts\/[^)]*\.(woff|ttf)\) format\("(woff|truetype)"\)//g' \
  "$WORK/katex/package/dist/katex.min.css" > "$OUT/katex.min.css"
cp "$WORK/katex/package/dist/fonts/"*.woff2 "$OUT/fonts/"

OUT="$HERE/onnxruntime-web"
mkdir -p "$WORK/ort" && (cd "$WORK/ort" && npm pack --silent "onnxruntime-web@$VERSION" >/dev/null && tar xzf onnxruntime-web-*.tgz)
rm -rf "$OUT" && mkdir -p "$OUT"
for file in ort.wasm.min.mjs ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm; do
  cp "$WORK/ort/package/dist/$file" "$OUT/"
done
cp "$WORK/ort/package/package.json" "$OUT/"
# the runtime's WebAssembly, most of a first visit, also brotli-compressed at the highest quality (here, once: it
# takes half a minute and Python has no brotli of its own); the app sends it so to a browser that accepts br
node -e 'const zlib = require("zlib"), fs = require("fs"), [file] = process.argv.slice(1), wasm = fs.readFileSync(file);
fs.writeFileSync(file + ".br", zlib.brotliCompressSync(wasm, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
  [zlib.constants.BROTLI_PARAM_LGWIN]: 24, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: wasm.length } }));' \
  "$OUT/ort-wasm-simd-threaded.wasm"
# the package names its licence (MIT) without shipping the text; this is the text of the project's LICENSE
cat > "$OUT/LICENSE" <<'LICENSE'
MIT License

Copyright (c) 2018 - present Microsoft Corporation

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
ls -l "$HERE"/*
