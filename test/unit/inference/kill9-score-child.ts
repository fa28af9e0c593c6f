// Child process for kill9-score.test.ts: batch-scores an existing workspace and prints each
// progress event as one JSON line on stdout, so the parent can SIGKILL it mid-job.
import { openBackend } from '../../../src-backend/backend.ts';

const [dbPath, model] = process.argv.slice(2);
if (!dbPath || !model) throw new Error('usage: kill9-score-child.ts DB MODEL_SHA256');
const b = openBackend({ workspacePath: dbPath, host: 'cli', pathRoots: null });
const report = await b.dispatcher.call(
  'score.batch',
  { model },
  { onProgress: (p) => process.stdout.write(JSON.stringify(p) + '\n') },
);
process.stdout.write(JSON.stringify({ phase: 'report', report }) + '\n');
await b.close();
