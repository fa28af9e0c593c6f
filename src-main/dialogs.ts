// Native dialog options per purpose (one table, so the menu and the renderer's bridge agree).
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { OPEN_KINDS, SAVE_KINDS, type OpenKind, type SaveKind } from '../src-common/desktop-bridge.ts';

const OPEN: Record<OpenKind, { title: string; filters: { name: string; extensions: string[] }[] }> = {
  sessions: {
    title: 'Import session log',
    filters: [{ name: 'Session log (JSONL, optionally gzipped)', extensions: ['jsonl', 'gz'] }],
  },
  trecRun: { title: 'Import TREC run', filters: [{ name: 'TREC run', extensions: ['txt', 'run', 'tsv', 'trec'] }] },
  qrels: { title: 'Import qrels', filters: [{ name: 'TREC qrels', extensions: ['txt', 'qrels', 'tsv', 'gz'] }] },
  model: { title: 'Add model', filters: [{ name: 'ONNX model', extensions: ['onnx'] }] },
  workspace: { title: 'Open workspace', filters: [{ name: 'Workbench workspace', extensions: ['db', 'sqlite'] }] },
  labelEvents: {
    title: "Import a teammate's label events",
    filters: [{ name: 'Label events (JSONL)', extensions: ['jsonl'] }],
  },
};

const SAVE: Record<SaveKind, { title: string; fallback: string; filters: { name: string; extensions: string[] }[] }> = {
  trecRun: {
    title: 'Export TREC run',
    fallback: 'run.txt',
    filters: [{ name: 'TREC run', extensions: ['txt', 'run'] }],
  },
  qrels: {
    title: 'Export qrels',
    fallback: 'qrels.txt',
    filters: [{ name: 'TREC qrels', extensions: ['txt', 'qrels'] }],
  },
  workspace: {
    title: 'New workspace',
    fallback: 'workspace.db',
    filters: [{ name: 'Workbench workspace', extensions: ['db'] }],
  },
  labelEvents: {
    title: 'Export label events',
    fallback: 'label-events.jsonl',
    filters: [{ name: 'Label events (JSONL)', extensions: ['jsonl'] }],
  },
};

export function isOpenKind(v: unknown): v is OpenKind {
  return typeof v === 'string' && (OPEN_KINDS as readonly string[]).includes(v);
}
export function isSaveKind(v: unknown): v is SaveKind {
  return typeof v === 'string' && (SAVE_KINDS as readonly string[]).includes(v);
}

export function openDialogOptions(kind: OpenKind): OpenDialogOptions {
  return {
    title: OPEN[kind].title,
    properties: ['openFile'],
    filters: [...OPEN[kind].filters, { name: 'All files', extensions: ['*'] }],
  };
}

/** A safe default file name: no folders, no control characters, bounded length. */
export function safeFileName(name: string | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = (name ?? '')
    .replace(/[\u0000-\u001f<>:"/\\|?*]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 120);
  return clean || fallback;
}

export function saveDialogOptions(kind: SaveKind, defaultName?: string): SaveDialogOptions {
  return {
    title: SAVE[kind].title,
    defaultPath: safeFileName(defaultName, SAVE[kind].fallback),
    filters: SAVE[kind].filters,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
}

export function folderDialogOptions(): OpenDialogOptions {
  return { title: 'Choose a folder for the generated demo data', properties: ['openDirectory', 'createDirectory'] };
}
