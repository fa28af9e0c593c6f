// Streaming line reader shared by the importers: plain or gzip input (detected by magic bytes),
// bounded memory per line, 1-based line numbers, progress in bytes of the file on disk.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based line number. */
  no: number;
  /** The line without its `\n` (and without a trailing `\r`); null when it exceeded the limit. */
  bytes: Buffer | null;
  /** Length in bytes (also when too long, so errors can say how long). */
  length: number;
}

export interface LineSource {
  lines: AsyncGenerator<Line>;
  /** Bytes of the file read so far (compressed bytes for .gz). */
  bytesRead(): number;
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Lines longer than maxLineBytes are reported with bytes = null; their content is counted and
 * dropped as it streams by, so a 50 MB line never sits in memory.
 */
export async function readLines(path: string, maxLineBytes: number, chunkBytes = 1 << 20): Promise<LineSource> {
  const raw = createReadStream(path, { highWaterMark: chunkBytes });
  const stream: Readable = (await isGzip(path)) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  // pipe() does not forward errors; surface a read error of the file through the gunzip stream.
  if (stream !== raw) raw.on('error', (err) => stream.destroy(err));
  async function* lines(): AsyncGenerator<Line> {
    let parts: Buffer[] = [];
    let partLen = 0;
    let no = 0;
    const finish = (last: Buffer): Line => {
      no++;
      const length = partLen + last.length;
      let bytes: Buffer | null = null;
      if (length <= maxLineBytes) bytes = parts.length ? Buffer.concat([...parts, last], length) : last;
      parts = [];
      partLen = 0;
      if (bytes && bytes.length && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
      return { no, bytes, length };
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let start = 0;
        for (;;) {
          const nl = chunk.indexOf(10, start);
          if (nl === -1) {
            const rest = chunk.subarray(start);
            partLen += rest.length;
            // Past the limit: keep counting, stop keeping.
            if (partLen <= maxLineBytes) parts.push(rest);
            else parts = [];
            break;
          }
          yield finish(chunk.subarray(start, nl));
          start = nl + 1;
        }
      }
      if (partLen > 0) yield finish(Buffer.alloc(0));
    } finally {
      raw.destroy();
      stream.destroy();
    }
  }
  return { lines: lines(), bytesRead: () => raw.bytesRead };
}
