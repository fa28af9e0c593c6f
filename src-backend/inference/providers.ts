// Execution-provider selection (docs/inference.md, "Execution providers"). The user picks a setting;
// the worker tries the providers it maps to, in order, and the first whose session loads runs the
// model. Every failed attempt is kept with onnxruntime's own message, so the API can say which
// provider actually runs and, on fallback, why.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

export const PROVIDER_SETTINGS = ['auto', 'cpu', 'cuda', 'webgpu', 'directml', 'coreml'] as const;
export type ProviderSetting = (typeof PROVIDER_SETTINGS)[number];
/** onnxruntime-node execution provider names. */
export type ProviderName = 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';

export interface ProviderAttempt {
  provider: ProviderName;
  ok: boolean;
  /** Why it did not load (onnxruntime's message), or why it was not tried. */
  error?: string;
}

/** GPU providers onnxruntime-node can have on each platform, most preferred first. */
export function gpuProvidersFor(platform: NodeJS.Platform = os.platform()): ProviderName[] {
  switch (platform) {
    case 'linux':
      return ['cuda', 'webgpu'];
    case 'win32':
      return ['cuda', 'dml', 'webgpu'];
    case 'darwin':
      return ['coreml', 'webgpu'];
    default:
      return [];
  }
}

/**
 * Providers to try for a setting, in order. CPU is always last so a model always loads; an explicit
 * GPU choice that fails therefore still falls back to CPU, and the fallback is reported.
 */
export function providerPlan(setting: ProviderSetting, platform: NodeJS.Platform = os.platform()): ProviderName[] {
  switch (setting) {
    case 'auto':
      return [...gpuProvidersFor(platform), 'cpu'];
    case 'cpu':
      return ['cpu'];
    case 'directml':
      return ['dml', 'cpu'];
    default:
      return [setting, 'cpu'];
  }
}

/**
 * Intra-op threads for the CPU provider. The worker runs one model run at a time, and the backend's
 * request loop needs a core of its own, so the default is cores − 1 (at least 1, at most 4: the
 * models are small and more threads only add synchronisation).
 */
export function defaultCpuThreads(cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1));
}

/** Session options for one provider. Spinning is off: idle threads must not burn a core. */
export function sessionOptions(provider: ProviderName, threads: number): Record<string, unknown> {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // 3 = error: a failed provider attempt is reported through the API, not spammed on stderr.
    logSeverityLevel: 3,
    extra: {
      session: {
        'intra_op.allow_spinning': '0',
        'inter_op.allow_spinning': '0',
      },
    },
  };
}

/** Folder holding onnxruntime-node's native libraries for this platform. */
export function ortBinDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    return join(dirname(pkg), 'bin', 'napi-v6', os.platform(), os.arch());
  } catch {
    return null;
  }
}

/**
 * Why a provider cannot load here, known before trying (null = worth trying). The CUDA provider
 * library is not in the npm package: `npm run install:cuda` fetches it.
 */
export function knownUnavailable(provider: ProviderName): string | null {
  if (provider === 'cuda' && os.platform() === 'linux') {
    const dir = ortBinDir();
    if (dir && !existsSync(join(dir, 'libonnxruntime_providers_cuda.so')))
      return 'CUDA provider library not installed (run `npm run install:cuda`; needs an NVIDIA driver, CUDA 12 and cuDNN 9)';
  }
  if (provider === 'webgpu' && os.platform() === 'linux' && !vulkanPresent()) {
    return 'libvulkan.so.1 not found (WebGPU on Linux needs Vulkan: apt-get install libvulkan1, plus a GPU driver)';
  }
  return null;
}

/** Is the Vulkan loader installed (Linux)? Looked up where the dynamic linker would find it. */
export function vulkanPresent(): boolean {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${os.arch() === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib64',
  ];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/** onnxruntime's error text without its source-location prefix. */
export function cleanOrtMessage(m: string): string {
  const flat = m.replace(/\s+/g, ' ').trim();
  const cut = flat.lastIndexOf(' was false. ');
  const human = cut >= 0 ? flat.slice(cut + ' was false. '.length) : flat;
  return human.slice(0, 500);
}
