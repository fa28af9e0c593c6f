// Child process for kill9.test.ts: imports a session log and prints each progress event as one
// JSON line on stdout, so the parent can SIGKILL it at a chosen moment.
import { openStore } from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';

const [dbPath, file] = process.argv.slice(2);
if (!dbPath || !file) throw new Error('usage: kill9-child.ts DB FILE');
const store = openStore(dbPath);
const report = await importSessionLog(store, file, {
  onProgress: (p) => process.stdout.write(JSON.stringify(p) + '\n'),
});
process.stdout.write(JSON.stringify({ phase: 'report', report }) + '\n');
store.close();
