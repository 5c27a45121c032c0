/**
 * `npm run icons:draw`: redraws the Teams app icons, appPackage/color.png (192×192) and
 * appPackage/outline.png (32×32, white on transparent).
 *
 * The icons are drawn from code so that anyone can change the design, rerun this and get the same
 * bytes, without an image editor or an extra package: the shapes are filled with 4×4 supersampling
 * for smooth edges and encoded as PNG by hand with node:zlib.
 *
 * The design is a speech bubble holding a candle: the bot answers questions, and the candle nods to
 * Amnesty's emblem without copying its trade-marked logo. Colour: a black bubble and a yellow candle
 * on Amnesty yellow (#FFFF00), full bleed, with the glyph inside the central 120×120 safe area that
 * Teams' icon masking leaves alone. Outline: the bubble's edge and the candle in white, on transparent.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PROJECT_ROOT } from '../shared/projectRoot';

/** A shape in unit coordinates: (0, 0) is the icon's top-left corner and (1, 1) its bottom-right. */
type Shape = (x: number, y: number) => boolean;
type Rgb = readonly [number, number, number];

const YELLOW: Rgb = [0xff, 0xff, 0x00];
const BLACK: Rgb = [0x00, 0x00, 0x00];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const SUBSAMPLES = 4;

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
}

function triangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape {
  const side = (px: number, py: number, qx: number, qy: number, x: number, y: number) => (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const s1 = side(ax, ay, bx, by, x, y);
    const s2 = side(bx, by, cx, cy, x, y);
    const s3 = side(cx, cy, ax, ay, x, y);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
}

function ellipse(cx: number, cy: number, rx: number, ry: number): Shape {
  return (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));
const minus =
  (shape: Shape, hole: Shape): Shape =>
  (x, y) =>
    shape(x, y) && !hole(x, y);

/** A candle with its wick and flame: a round base to the flame and a pointed tip. */
function candle(cx: number, top: number, bottom: number, width: number): Shape {
  const flameRx = width * 0.45;
  const flameRy = width * 0.65;
  const flameCy = top - flameRy * 1.3;
  return union(
    roundedRect(cx - width / 2, top, cx + width / 2, bottom, width * 0.12),
    roundedRect(cx - width * 0.08, flameCy, cx + width * 0.08, top, 0),
    ellipse(cx, flameCy, flameRx, flameRy),
    triangle(cx - flameRx * 0.92, flameCy - flameRy * 0.35, cx + flameRx * 0.92, flameCy - flameRy * 0.35, cx, flameCy - flameRy * 1.9),
  );
}

/** The fraction of the pixel (px, py) that the shape covers, on a size×size grid. */
function coverage(shape: Shape, px: number, py: number, size: number): number {
  let inside = 0;
  for (let i = 0; i < SUBSAMPLES; i++) {
    for (let j = 0; j < SUBSAMPLES; j++) {
      if (shape((px + (i + 0.5) / SUBSAMPLES) / size, (py + (j + 0.5) / SUBSAMPLES) / size)) inside++;
    }
  }
  return inside / SUBSAMPLES ** 2;
}

/** Paints layers, bottom first, over an opaque background. */
function paintOpaque(size: number, background: Rgb, layers: { shape: Shape; colour: Rgb }[]): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const pixel = [...background];
      for (const { shape, colour } of layers) {
        const c = coverage(shape, px, py, size);
        for (let k = 0; k < 3; k++) pixel[k] = (pixel[k] ?? 0) * (1 - c) + (colour[k] ?? 0) * c;
      }
      rgba.set([...pixel.map(Math.round), 255], (py * size + px) * 4);
    }
  }
  return rgba;
}

/** One colour, its alpha the shape's coverage: the rest stays fully transparent. */
function paintOnTransparent(size: number, shape: Shape, colour: Rgb): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const alpha = Math.round(coverage(shape, px, py, size) * 255);
      if (alpha > 0) rgba.set([...colour, alpha], (py * size + px) * 4);
    }
  }
  return rgba;
}

/** CRC-32 as PNG chunks use it (zlib.crc32 arrived only in Node 20.15, and we support 20.12). */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA, non-interlaced PNG; every scanline uses filter 0 (none), which deflate handles well enough here. */
function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function drawColorIcon(size: number): Buffer {
  const bubble = union(roundedRect(0.21, 0.22, 0.79, 0.66, 0.09), triangle(0.33, 0.62, 0.47, 0.62, 0.29, 0.78));
  return encodePng(
    size,
    paintOpaque(size, YELLOW, [
      { shape: bubble, colour: BLACK },
      { shape: candle(0.5, 0.45, 0.6, 0.1), colour: YELLOW },
    ]),
  );
}

function drawOutlineIcon(size: number): Buffer {
  const stroke = 2 / 32;
  const outer = roundedRect(0.06, 0.08, 0.94, 0.74, 0.16);
  const inner = roundedRect(0.06 + stroke, 0.08 + stroke, 0.94 - stroke, 0.74 - stroke, 0.16 - stroke);
  const tail = triangle(0.22, 0.7, 0.44, 0.7, 0.16, 0.94);
  const glyph = union(minus(outer, inner), tail, candle(0.5, 0.46, 0.62, 0.12));
  return encodePng(size, paintOnTransparent(size, glyph, WHITE));
}

function main(): void {
  const dir = resolve(PROJECT_ROOT, 'appPackage');
  writeFileSync(resolve(dir, 'color.png'), drawColorIcon(192));
  writeFileSync(resolve(dir, 'outline.png'), drawOutlineIcon(32));
  process.stdout.write(`Wrote ${resolve(dir, 'color.png')} and ${resolve(dir, 'outline.png')}\n`);
}

if (require.main === module) main();
