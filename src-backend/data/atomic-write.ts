// Writes an export atomically: lines go to a temp file next to the target, which is then renamed
// over it, so a failed or cancelled export leaves no half file. The temp file is created
// exclusively (O_EXCL) under an unpredictable name (crypto random) and never through a symbolic
// link (O_NOFOLLOW), so a link planted next to the target cannot redirect the bytes elsewhere; the
// rename replaces a directory entry and does not follow a link at the target either.
import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const FLUSH_BYTES = 256 * 1024;

/** The temp file's name for `path`: hidden, random, in the same folder (rename must not cross devices). */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(16).toString('hex')}.partial`);
}

/** Writes `rows` (one per line, each followed by \n) to `path` atomically; returns the number of lines. */
export async function writeLinesAtomically(
  path: string,
  rows: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const tmp = tempNameFor(path);
  // O_NOFOLLOW is 0 on Windows (no such flag); O_EXCL alone already refuses an existing link there.
  const fh = await open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o644,
  );
  let n = 0;
  try {
    let buf: string[] = [];
    let size = 0;
    // An async source (a long export) can yield to the event loop and be cancelled between lines.
    for await (const line of rows) {
      n++;
      buf.push(line, '\n');
      size += line.length + 1;
      if (size >= FLUSH_BYTES) {
        await fh.write(buf.join(''));
        buf = [];
        size = 0;
      }
    }
    if (buf.length) await fh.write(buf.join(''));
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  return n;
}
