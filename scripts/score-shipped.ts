// Batch-scores a workspace with every shipped model (resources/models), through the real CLI
// (`models shipped`, then `score MODEL`), so the dataset view has numbers on first open instead of
// an empty page and a "Score missing turns" button. Used by `npm start` (first run) and the e2e
// setup. Re-running is a no-op per model (score.batch skips turns already scored).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'src-backend', 'hosts', 'cli.ts');

export interface ShippedScore {
  model: string;
  sha256: string;
  /** Wall time of the CLI run (process start, model load and scoring). */
  seconds: number;
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function scoreShippedModels(workspace: string, log: (line: string) => void = () => {}): ShippedScore[] {
  const models = JSON.parse(cli(['models', 'shipped', '--json', '--workspace', workspace])) as {
    name: string;
    sha256: string;
  }[];
  const out: ShippedScore[] = [];
  for (const m of models) {
    const t0 = performance.now();
    cli(['score', m.sha256, '--workspace', workspace]);
    const seconds = (performance.now() - t0) / 1000;
    out.push({ model: m.name, sha256: m.sha256, seconds });
    log(`scored the workspace with ${m.name} in ${seconds.toFixed(1)} s`);
  }
  return out;
}
