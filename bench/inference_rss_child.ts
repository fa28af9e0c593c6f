// Child process for bench group `inference`: a backend alone (no bench harness in the process) on
// the 1M-row workspace, two models loaded and used, then its RSS. Prints one JSON line.
//   node bench/inference_rss_child.ts WORKSPACE SHA_A SHA_B TURN_ID
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { openBackend } from '../src-backend/backend.ts';

/** CPU ticks per thread (Linux /proc), to say which thread burns CPU while idle. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${name}#${tid}`, Number(f[11]) + Number(f[12]));
    }
  } catch {
    // not Linux
  }
  return out;
}

const [workspacePath, a, b, turnId] = process.argv.slice(2) as [string, string, string, string];
const backend = openBackend({ workspacePath, host: 'cli', pathRoots: null });
const mb = (n: number) => n / 2 ** 20;
await backend.dispatcher.call('workspace.stats', {});
await backend.dispatcher.call('sessions.list', { limit: 1000 });
for (let i = 0; i < 50; i++) await backend.dispatcher.call('score.turn', { turnId, models: [a, b], maxHistory: 256 });
const afterTurns = mb(process.memoryUsage().rss);
await backend.dispatcher.call('score.batch', { model: a, split: 'valid', rescore: true });
global.gc?.();
const afterBatch = mb(process.memoryUsage().rss);
const peak = process.resourceUsage().maxRSS / 1024; // KiB → MiB
// Idle after a burst: CPU of the whole process (all threads) over 10 s, and which threads used it.
for (let i = 0; i < 200; i++) await backend.dispatcher.call('score.turn', { turnId, models: [a, b], maxHistory: 256 });
const t0 = threadTicks();
const c0 = process.cpuUsage();
await sleep(10_000);
const c1 = process.cpuUsage(c0);
const t1 = threadTicks();
const busy = [...t1].map(([k, v]) => [k, (v - (t0.get(k) ?? 0)) * 10] as const).filter(([, ms]) => ms > 0);
await backend.close();
console.log(
  JSON.stringify({
    afterTurns,
    afterBatch,
    peak,
    idleCpuMs: (c1.user + c1.system) / 1000,
    idleThreads: Object.fromEntries(busy),
  }),
);
