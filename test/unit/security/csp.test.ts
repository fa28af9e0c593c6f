// One CSP, defined once (src-common/csp.ts), for both hosts: serve's response header, Electron's
// app:// responses (test/unit/electron/protocol-and-security.test.ts) and the built page's <meta>.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { CONTENT_SECURITY_POLICY, cspForMeta } from '../../../src-common/csp.ts';
import { openBackend } from '../../../src-backend/backend.ts';
import { startHttpServer } from '../../../src-backend/hosts/http-server.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('one Content-Security-Policy', () => {
  it('is strict: no inline script, no eval, no remote origins, no plugins, no framing', () => {
    const d = new Map(
      CONTENT_SECURITY_POLICY.split(';').map(
        (x) =>
          x
            .trim()
            .split(/\s+(.*)/s)
            .slice(0, 2) as [string, string],
      ),
    );
    expect(d.get('script-src')).toBe("'self'");
    expect(d.get('default-src')).toBe("'self'");
    expect(d.get('object-src')).toBe("'none'");
    expect(d.get('frame-ancestors')).toBe("'none'");
    expect(d.get('base-uri')).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('the <meta> form drops only the header-only directives', () => {
    expect(cspForMeta()).not.toMatch(/frame-ancestors/);
    expect(cspForMeta()).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('serve sends exactly it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qgs-csp-'));
    const backend = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'serve', pathRoots: [dir] });
    const server = await startHttpServer({ dispatcher: backend.dispatcher, staticDir: dir });
    try {
      const header = await new Promise<string | undefined>((resolve, reject) => {
        request(
          { host: '127.0.0.1', port: server.port, path: '/', headers: { Host: `127.0.0.1:${server.port}` } },
          (res) => {
            res.resume();
            resolve(res.headers['content-security-policy'] as string | undefined);
          },
        )
          .on('error', reject)
          .end();
      });
      expect(header).toBe(CONTENT_SECURITY_POLICY);
    } finally {
      await server.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the source page has only the placeholder; the built page carries the meta form', () => {
    const source = readFileSync(join(ROOT, 'src-renderer/index.html'), 'utf8');
    expect(source).toContain('content="%QGS_CSP%"');
    const built = join(ROOT, 'out/renderer/index.html');
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`);
    const html = readFileSync(built, 'utf8');
    expect(html).toContain(`content="${cspForMeta()}"`);
  });
});
