// `npm run bench` runs every group; `npm run bench -- GROUP [GROUP…]` runs some. Each group is a
// file bench/groups/<group>.ts whose default export returns the figures it measured. Prints a table
// and writes bench/results.json ({ "<group>.<figure>": { value, unit, target, reference } }) with
// only the figures measured in this run. Figures are CPU figures on whatever machine runs this.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { BenchGroup, Figure } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(join(here, 'groups'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) {
  if (!available.includes(w)) {
    console.error(`bench: unknown group "${w}"; groups are: ${available.join(', ')}`);
    process.exit(2);
  }
}
const groups = wanted.length ? wanted : available;

console.log(`bench on ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'} (CPU only), Node ${process.version}`);
const results: Record<string, Figure> = {};
for (const name of groups) {
  const mod = (await import(join(here, 'groups', `${name}.ts`))) as { default: BenchGroup };
  console.log(`\n== ${name}`);
  const started = performance.now();
  const figures = await mod.default({ log: (msg: string) => console.log(`   ${msg}`) });
  for (const [key, fig] of Object.entries(figures)) results[`${name}.${key}`] = fig;
  console.log(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

const rows = Object.entries(results).map(([k, f]) => [
  k,
  `${formatValue(f.value)} ${f.unit}`,
  f.target ?? '',
  f.reference ?? '',
]);
const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...rows.map((r) => r[i]!.length), ['figure', 'value', 'target', 'reference'][i]!.length),
);
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log('\n' + line(['figure', 'value', 'target', 'reference']));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
writeFileSync(join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote bench/results.json (${rows.length} figures)`);

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
