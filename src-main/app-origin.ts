// The app's own origin, in a module without imports: the sandboxed preload can load no Node
// built-ins, so it must not pull in app-protocol.ts (which uses node:path).
export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
