// `npm run install:cuda` — opt-in install of onnxruntime-node's CUDA execution provider (docs/inference.md).
// The default install skips it (.npmrc: onnxruntime-node-install=skip) because onnxruntime-node's
// install script downloads the CUDA provider libraries from NuGet, outside the npm registry, and that
// fails offline. This runs that same script on request, then checks what the CUDA provider needs.
//   node scripts/install-cuda.ts            install (Linux x64), then check
//   node scripts/install-cuda.ts --check    only check
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

const platform = `${os.platform()}/${os.arch()}`;
const checkOnly = process.argv.includes('--check');

if (platform !== 'linux/x64') {
  console.error(
    `install:cuda: onnxruntime-node ships a downloadable CUDA provider for linux/x64 only (this is ${platform}).` +
      (os.platform() === 'win32'
        ? ' On Windows use the DirectML provider (bundled): set the provider to "directml" or "auto".'
        : '') +
      (os.platform() === 'darwin' ? ' On macOS use CoreML or WebGPU ("auto").' : ''),
  );
  process.exit(2);
}

const pkgDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
const binDir = join(pkgDir, 'bin', 'napi-v6', 'linux', 'x64');
const cudaLib = join(binDir, 'libonnxruntime_providers_cuda.so');

if (!checkOnly) {
  if (existsSync(cudaLib)) {
    console.log(`install:cuda: the CUDA provider is already installed (${cudaLib})`);
  } else {
    console.log(
      'install:cuda: downloading the CUDA 12 provider libraries (Microsoft.ML.OnnxRuntime.Gpu.Linux from NuGet)…',
    );
    // ONNXRUNTIME_NODE_INSTALL wins over the npm_config_… value that .npmrc's "skip" sets under npm run.
    const r = spawnSync(process.execPath, [join(pkgDir, 'script', 'install.js')], {
      cwd: pkgDir,
      stdio: 'inherit',
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
    });
    if (r.status !== 0) {
      console.error(
        `install:cuda: onnxruntime-node's installer failed (exit ${r.status}). It needs HTTPS access to api.nuget.org (honours GLOBAL_AGENT_HTTPS_PROXY).`,
      );
      process.exit(1);
    }
  }
}

// What the CUDA provider loads at session creation (onnxruntime 1.2x/1.30 builds: CUDA 12 + cuDNN 9).
const needed = [
  'libcuda.so.1',
  'libcudart.so.12',
  'libcublas.so.12',
  'libcublasLt.so.12',
  'libcufft.so.11',
  'libcudnn.so.9',
];
const ldconfig = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
const known = ldconfig.status === 0 ? ldconfig.stdout : '';
const searchDirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
const found = (lib: string) => known.includes(lib) || searchDirs.some((d) => existsSync(join(d, lib)));

const lines = [`provider library: ${existsSync(cudaLib) ? 'installed' : 'MISSING'} (${cudaLib})`];
let ok = existsSync(cudaLib);
for (const lib of needed) {
  const f = found(lib);
  ok &&= f;
  lines.push(
    `${lib.padEnd(20)} ${f ? 'found' : 'not found (install the NVIDIA driver / CUDA 12 runtime / cuDNN 9, or add their folder to LD_LIBRARY_PATH)'}`,
  );
}
console.log(lines.map((l) => `  ${l}`).join('\n'));
console.log(
  ok
    ? 'install:cuda: ready. Set the execution provider to "cuda" (or leave "auto"); `npm run cli -- call inference.status` and every score result report which provider runs each model.'
    : 'install:cuda: not ready yet — until it is, "auto" and "cuda" fall back to another provider and report why.',
);
process.exit(checkOnly && !ok ? 1 : 0);
