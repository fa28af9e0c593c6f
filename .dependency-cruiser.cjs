// The layering table of docs/architecture.md as rules; `npm run lint:deps` checks them (CI too).
// Folders are named by where their code may run, as in VS Code: common → anywhere,
// backend → plain Node, main → Electron main/preload, renderer → browser.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'common-is-portable',
      comment: 'src-common runs in the backend, the renderer and the CLI: only src-common and zod.',
      severity: 'error',
      from: { path: '^src-common/' },
      to: { pathNot: ['^src-common/', '^node_modules/zod/'] },
    },
    {
      name: 'backend-never-electron',
      comment: 'The backend is plain Node (utility process, serve, CLI): no electron, renderer or main code.',
      severity: 'error',
      from: { path: '^src-backend/' },
      to: { path: ['^node_modules/electron/', '^src-renderer/', '^src-main/'] },
    },
    {
      name: 'backend-known-packages',
      comment: 'Backend dependencies are a short, deliberate list: add one here when you add it to package.json.',
      severity: 'error',
      from: { path: '^src-backend/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: ['^node_modules/(onnxruntime-node|zod|hyparquet-writer|pg)/'],
      },
    },
    {
      name: 'main-only-spawns-backend',
      comment: 'Electron main and preload broker ports and dialogs; the backend runs in its own process.',
      severity: 'error',
      from: { path: '^src-main/' },
      to: { path: ['^src-backend/', '^src-renderer/'] },
    },
    {
      name: 'renderer-is-a-browser',
      comment:
        'The renderer runs sandboxed: no Node built-ins, no backend or main code; data comes through the API client.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: {
        pathNot: [
          '^src-renderer/',
          '^src-common/',
          '^node_modules/(svelte|d3|d3-[a-z-]+|internmap|delaunator|robust-predicates|esm-env|clsx)/',
        ],
      },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'common-no-node-builtins',
      severity: 'error',
      from: { path: '^src-common/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules is not followed, but stays visible so the rules about npm packages can see it.
    exclude: { path: ['^out/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'svelte', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
