// `npm start`: build what is stale, set up the demo workspace on first run, then open the
// workbench — in Electron when its binary is installed, otherwise in browser mode (`serve`), saying
// why. `npm start -- --browser` forces browser mode; `--port N` picks its port.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from './newest-mtime.ts';
import { scoreShippedModels } from './score-shipped.ts';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const WORKSPACE = process.env.QGS_WORKSPACE ?? join(ROOT, '.workspace', 'demo.db');

function sh(cmd: string, cmdArgs: string[]): void {
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const built = join(ROOT, 'out', 'renderer', 'index.html');
const sources = ['src-renderer', 'src-common', 'src-main'].map((d) => newestMtime(join(ROOT, d)));
if (!existsSync(built) || Math.max(...sources) > statSync(built).mtimeMs) {
  console.log('building the workbench (electron-vite build)…');
  sh(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build']);
}

if (!existsSync(WORKSPACE)) {
  console.log(`setting up the demo workspace at ${WORKSPACE}…`);
  sh(process.execPath, [join(ROOT, 'src-backend', 'hosts', 'cli.ts'), 'demo', '--workspace', WORKSPACE]);
  // Score the demo with the shipped models now (≈ 7 s on 2 idle CPU cores), so the dataset view
  // opens with numbers rather than empty.
  console.log('scoring the demo with the shipped models (once)…');
  try {
    scoreShippedModels(WORKSPACE, (line) => console.log(`  ${line}`));
  } catch (err) {
    // Not fatal: the dataset view offers "Score missing turns".
    console.log(
      `  scoring failed; the dataset view can score later:\n${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The Electron executable, when its (separately downloaded) binary is present. */
function electronBinary(): string | null {
  const pathFile = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}
const electron = electronBinary();

if (!args.includes('--browser') && electron) {
  console.log('starting the desktop app (Electron)…');
  spawn(electron, ['.', `--workspace=${WORKSPACE}`], { cwd: ROOT, stdio: 'inherit' }).on('exit', (c) =>
    process.exit(c ?? 0),
  );
} else {
  if (!args.includes('--browser')) {
    console.log(
      'The Electron binary is not installed (npm installs the electron package, but the binary itself is\n' +
        'downloaded from outside the npm registry, which this machine cannot reach). Starting browser mode:\n' +
        'open the URL below in a browser on this machine.\n',
    );
  }
  const portIdx = args.indexOf('--port');
  const serveArgs = [
    'serve',
    '--workspace',
    WORKSPACE,
    ...(portIdx >= 0 && args[portIdx + 1] ? ['--port', args[portIdx + 1]!] : ['--port', '5174']),
  ];
  spawn(process.execPath, [join(ROOT, 'src-backend', 'hosts', 'cli.ts'), ...serveArgs], {
    cwd: ROOT,
    stdio: 'inherit',
  }).on('exit', (c) => process.exit(c ?? 0));
}
