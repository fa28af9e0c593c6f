// `cli features spec FILE | show` and `cli demo` importing the demo's feature spec, in a child process
// (Node 24) on a temp workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specJson } from './world.ts';

const ROOT = join(import.meta.dirname, '../../..');
let dir: string;

function cli(workspace: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'src-backend/hosts/cli.ts'), ...args, '--workspace', workspace], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-cli-spec-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli features spec', () => {
  it('sets a spec from a file, shows it, and refuses a bad one naming the field without changing it', () => {
    const ws = join(dir, 'ws.db');
    const none = cli(ws, 'features', 'spec', 'show');
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/No feature spec/);

    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(specJson()));
    const set = cli(ws, 'features', 'spec', good);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/feature spec v2 from .*good\.json/);
    expect(set.stdout).toMatch(
      /text_match: bm25 \[qgs-text-v1\], title_coverage \[qgs-text-v1\], exact_match \[qgs-text-v1\], semantic_sim \[logged\]/,
    );
    expect(set.stdout).toMatch(/text stats: 12 titles/);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...specJson(), version: 7 }));
    const refused = cli(ws, 'features', 'spec', bad);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/bad\.json: version: expected 2 \(or 1 for groups only\), got 7/);
    const after = cli(ws, 'features', 'spec', 'show');
    expect(after.stdout).toBe(set.stdout);

    const json = JSON.parse(cli(ws, 'features', 'spec', 'show', '--json').stdout) as { spec: { version: number } };
    expect(json.spec.version).toBe(2);
  });

  it('`demo` imports the demo feature spec with the sessions', () => {
    const ws = join(dir, 'demo.db');
    const r = cli(ws, 'demo', '--sessions', '20', '--seed', '3');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/feature spec: /);
    const shown = cli(ws, 'features', 'spec', 'show', '--json');
    const info = JSON.parse(shown.stdout) as { source: string; spec: { groups: unknown[] } | null };
    expect(info.source).toMatch(/demo-generated[/\\]features\.json$/);
    expect(info.spec!.groups.length).toBeGreaterThan(0);
  });
});
