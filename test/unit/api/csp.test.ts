// One Content-Security-Policy (src-common/csp.ts): the HTML meta tag, which cannot import it, must say
// the same; the serve host sends it as a header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cspFor } from '../../../src-common/csp.ts';
import { startHttpServer, type RunningServer } from '../../../src-backend/hosts/http-server.ts';
import { createDispatcher, type Handlers } from '../../../src-backend/api/dispatch.ts';

const INDEX = join(import.meta.dirname, '../../../src-renderer/index.html');

describe('Content-Security-Policy', () => {
  it('index.html carries exactly the meta policy', () => {
    const html = readFileSync(INDEX, 'utf8');
    const tags = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/g)];
    expect(tags).toHaveLength(1);
    expect(tags[0]![1]).toBe(cspFor('meta'));
  });

  it('locks down scripts, plugins and framing on every host; only Electron forbids connections', () => {
    for (const t of ['serve', 'electron', 'meta'] as const) {
      expect(cspFor(t)).toContain("script-src 'self'");
      expect(cspFor(t)).toContain("object-src 'none'");
      expect(cspFor(t)).not.toMatch(/unsafe-eval|https?:/);
    }
    expect(cspFor('electron')).toContain("connect-src 'none'");
    expect(cspFor('serve')).toContain("connect-src 'self'");
    expect(cspFor('serve')).toContain("frame-ancestors 'none'");
    expect(cspFor('meta')).not.toContain('frame-ancestors'); // ignored (with a warning) in a meta tag
  });

  describe('serve host', () => {
    let dir: string;
    let server: RunningServer;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'qgs-csp-'));
      server = await startHttpServer({ dispatcher: createDispatcher({} as Handlers), staticDir: join(dir, 'none') });
    });
    afterAll(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    it('sends the serve policy as a header', async () => {
      const res = await fetch(`${server.url}/`);
      expect(res.headers.get('content-security-policy')).toBe(cspFor('serve'));
    });
  });
});
