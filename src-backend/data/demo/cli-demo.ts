// Writes a demo workspace. The shipped demo (the test users of the training world, docs/demo-data.md):
// node src-backend/data/demo/cli-demo.ts --seed 7 --sessions 12000 --only-split test --out resources/demo --gzip

import { parseArgs } from 'node:util';
import { ApiError } from '../../../src-common/errors.ts';
import { generateDemo } from './generate.ts';

const usage =
  'usage: node src-backend/data/demo/cli-demo.ts --seed N --sessions N --out DIR [--gzip] [--only-split train|valid|test]';

function intArg(name: string, value: string | undefined): number {
  if (value === undefined) {
    console.error(`cli-demo: --${name} is required\n${usage}`);
    process.exit(2);
  }
  if (!/^-?\d+$/.test(value)) {
    console.error(`cli-demo: --${name} must be an integer, got "${value}"\n${usage}`);
    process.exit(2);
  }
  return Number(value);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      seed: { type: 'string' },
      sessions: { type: 'string' },
      out: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      'only-split': { type: 'string' },
    },
  }));
} catch (err) {
  console.error(`cli-demo: ${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (!values.out) {
  console.error(`cli-demo: --out is required\n${usage}`);
  process.exit(2);
}
const opts = {
  seed: intArg('seed', values.seed),
  sessions: intArg('sessions', values.sessions),
  outDir: values.out,
  gzip: values.gzip,
  ...(values['only-split'] !== undefined ? { onlySplit: values['only-split'] as 'train' | 'valid' | 'test' } : {}),
};
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

const started = performance.now();
let lastShown = 0;
try {
  const summary = await generateDemo(
    opts,
    (done, total) => {
      const now = performance.now();
      if (now - lastShown > 1000 || done === total) {
        process.stderr.write(`\r${done}/${total} sessions`);
        lastShown = now;
      }
    },
    controller.signal,
  );
  const secs = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  console.log(
    JSON.stringify(
      { ...summary, seconds: Number(secs.toFixed(2)), rowsPerSecond: Math.round(summary.resultRows / secs) },
      null,
      2,
    ),
  );
} catch (err) {
  process.stderr.write('\n');
  console.error(`cli-demo: ${err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)}`);
  process.exit(1);
}
