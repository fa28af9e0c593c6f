// The installer configuration (electron-builder.json) without building an installer: it passes
// electron-builder's own schema validation, the files it names exist, the asarUnpack globs cover
// every native file onnxruntime-node ships, the fuses are the checklist's, and the targets are the
// four installers (docs/release.md builds them on a machine with the Electron binary).
import { describe, expect, it } from 'vitest';
import { existsSync, globSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, matchesGlob, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');
const require = createRequire(join(ROOT, 'package.json'));
const config = JSON.parse(readFileSync(join(ROOT, 'electron-builder.json'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  version: string;
  devDependencies: Record<string, string>;
};

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: object, logger: object): Promise<void>;
    };
    const { $schema: _ignored, ...cfg } = config;
    await expect(validateConfiguration(cfg, { isEnabled: false, add() {} })).resolves.toBeUndefined();
    // …and it does reject a bad key, so the check above means something.
    await expect(
      validateConfiguration({ ...cfg, linux: { ...cfg.linux, tagret: ['deb'] } }, { isEnabled: false, add() {} }),
    ).rejects.toThrow(/configuration/);
  });

  it('app id, product name and the four installers', () => {
    expect(config.appId).toMatch(/^[a-z][a-z0-9]*(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('QGS Workbench');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('the icon exists and is a PNG of at least 512×512', () => {
    for (const icon of new Set([config.icon, config.linux.icon, config.win.icon, config.mac.icon])) {
      const buf = readFileSync(join(ROOT, icon));
      expect(buf.subarray(1, 4).toString('ascii'), icon).toBe('PNG');
      expect(buf.readUInt32BE(16)).toBeGreaterThanOrEqual(512); // IHDR width
      expect(buf.readUInt32BE(20)).toBeGreaterThanOrEqual(512); // IHDR height
    }
  });

  it('extra resources: the shipped models and the demo workspace exist and are non-empty', () => {
    const tos = config.extraResources.map((r: { to: string }) => r.to);
    expect(tos).toEqual(['models', 'demo']);
    for (const r of config.extraResources as { from: string; filter: string[] }[]) {
      const dir = join(ROOT, r.from);
      expect(existsSync(dir), r.from).toBe(true);
      const matched = readdirSync(dir).filter((f) => r.filter.some((g) => matchesGlob(f, g)));
      expect(matched.length, `${r.from} ${r.filter}`).toBeGreaterThan(0);
    }
    expect(
      readdirSync(join(ROOT, 'resources/models')).filter((f) => f.endsWith('.onnx')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('the asarUnpack globs cover every native file of onnxruntime-node (every platform it ships)', () => {
    const bin = join(ROOT, 'node_modules/onnxruntime-node/bin');
    const natives = globSync('**/*', { cwd: bin })
      .map((f) => join(bin, f))
      .filter((f) => statSync(f).isFile() && /\.(node|so(\.\d+)*|dylib|dll)$/.test(f))
      .map((f) => relative(ROOT, f).split('\\').join('/'));
    expect(natives.some((f) => f.endsWith('onnxruntime_binding.node'))).toBe(true);
    expect(natives.some((f) => /linux\/x64\/libonnxruntime\.so/.test(f))).toBe(true);
    for (const f of natives)
      expect(
        config.asarUnpack.some((g: string) => matchesGlob(f, g)),
        f,
      ).toBe(true);
  });

  it('the packaged files include the built entry points package.json names', () => {
    expect(config.files).toContain('out/**');
    expect(matchesGlob(pkg.main, 'out/**')).toBe(true);
    expect(pkg.main).toBe('out/main/main.js');
    // The backend bundle loads onnxruntime-node from node_modules (not bundled), so the unpacked
    // binaries above are the ones it uses.
    const backend = join(ROOT, 'out/main/backend.js');
    if (!existsSync(backend)) throw new Error(`${backend} is missing: run \`npm run build\` first (npm test does)`);
    const built = readdirSync(join(ROOT, 'out/main'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(ROOT, 'out/main', f), 'utf8'))
      .join('\n');
    expect(built).toMatch(/from "onnxruntime-node"|require\("onnxruntime-node"\)/);
  });

  it('Electron fuses: RunAsNode off, cookie encryption on, NODE_OPTIONS and --inspect off, ASAR integrity on, app only from ASAR', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('Electron is pinned to an exact 45.x version, and that is the one installed', () => {
    const wanted = pkg.devDependencies.electron!;
    expect(wanted).toMatch(/^45\.\d+\.\d+$/);
    const installed = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
    ).version;
    expect(installed).toBe(wanted);
  });
});
