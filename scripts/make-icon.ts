// Draws the app icon (resources/icon.png, 512×512 RGBA) with no image library: a rounded blue tile
// with a white "Q" (a ring and a tail). electron-builder derives the .ico/.icns and the Linux sizes
// from this one PNG. Run: node scripts/make-icon.ts (the PNG is committed; rerun only to change it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;
const px = Buffer.alloc(SIZE * SIZE * 4);

function inRoundedSquare(x: number, y: number): boolean {
  const r = 96;
  const m = 16;
  const cx = Math.min(Math.max(x, m + r), SIZE - m - r);
  const cy = Math.min(Math.max(y, m + r), SIZE - m - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= m && y >= m && x < SIZE - m && y < SIZE - m;
}

function inQ(x: number, y: number): boolean {
  const c = SIZE / 2 - 12;
  const d = Math.hypot(x - c, y - c);
  const ring = d >= 110 && d <= 158;
  // The tail: a thick diagonal stroke from the ring's lower right outwards.
  const t = (x - c + (y - c)) / Math.SQRT2;
  const n = Math.abs(x - c - (y - c)) / Math.SQRT2;
  const tail = t >= 120 && t <= 235 && n <= 26;
  return ring || tail;
}

for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const i = (y * SIZE + x) * 4;
    if (!inRoundedSquare(x, y)) continue; // transparent outside the tile
    const white = inQ(x, y);
    // A light vertical gradient on the tile.
    const g = y / SIZE;
    px[i] = white ? 255 : Math.round(30 + 20 * g);
    px[i + 1] = white ? 255 : Math.round(90 + 30 * g);
    px[i + 2] = white ? 255 : Math.round(190 - 30 * g);
    px[i + 3] = 255;
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) px.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4); // filter 0 per row
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(import.meta.dirname, '..', 'resources', 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
