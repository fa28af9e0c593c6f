// The store's public face for hosts, tests and benches. Each table group has one owner module
// (docs/store.md, "Who owns which table"); nothing outside src-backend/store/ writes SQL.
export { openStore, transaction, BUSY_TIMEOUT_MS, type Store } from './store.ts';
export { listSessions, getSession, clearSearchCache } from './sessions.ts';
export { workspaceStats } from './workspace.ts';
export { SCHEMA_VERSION } from './migrations/index.ts';
