// The shortcut sheet's data must list every key the renderer actually handles: each `e.key === 'X'`
// comparison and each key of a `moves` table in src-renderer is checked against lib/shortcuts.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addShortcuts, isTypingTarget, SHORTCUTS } from '../../../src-renderer/src/lib/shortcuts.ts';

const SRC = join(import.meta.dirname, '..', '..', '..', 'src-renderer', 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(svelte|ts)$/.test(e.name) ? [join(dir, e.name)] : [],
  );

/** How a key is written in the sheet. */
const SHOWN: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', Escape: 'Esc' };

describe('shortcut sheet data', () => {
  it('lists every key the renderer handles', () => {
    const handled = new Set<string>();
    for (const f of files(SRC)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/e\.key\s*[!=]==\s*'([^']+)'/g)) handled.add(m[1]!);
      const moves = /const moves[^=]*=\s*\{([^}]*)\}/.exec(text);
      if (moves) for (const m of moves[1]!.matchAll(/(\w+):/g)) handled.add(m[1]!);
    }
    expect(handled.size).toBeGreaterThan(8); // the scan found the handlers
    const listed = new Set(SHORTCUTS.flatMap((g) => g.items.flatMap((s) => [...s.keys, ...(s.or ?? [])])));
    for (const k of handled) expect(listed, `key ${k} is handled but not in lib/shortcuts.ts`).toContain(SHOWN[k] ?? k);
  });

  it('addShortcuts extends a group or adds one', () => {
    const before = SHORTCUTS.length;
    addShortcuts('Labeling', [{ keys: ['1'], what: 'grade 1' }]);
    expect(SHORTCUTS.length).toBe(before + 1);
    addShortcuts('Labeling', [{ keys: ['2'], what: 'grade 2' }]);
    expect(SHORTCUTS.at(-1)!.items.map((s) => s.keys[0])).toEqual(['1', '2']);
    SHORTCUTS.pop();
  });

  it('single-letter keys are ignored in text fields', () => {
    expect(isTypingTarget({ tagName: 'INPUT', isContentEditable: false } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
