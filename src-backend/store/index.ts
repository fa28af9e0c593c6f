export { openStore, BUSY_TIMEOUT_MS, type Store } from './store.ts';
export { listSessions, getSession, workspaceStats } from './queries.ts';
export { SCHEMA_VERSION } from './migrations/index.ts';
