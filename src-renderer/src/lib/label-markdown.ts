// Task instructions: plain text or a small Markdown subset, parsed into blocks that the view renders
// as ordinary elements (text nodes only) — never raw HTML, so instructions cannot inject markup.
export type Inline = { text: string; strong?: boolean; code?: boolean };
export type Block =
  { kind: 'h'; level: 1 | 2 | 3; text: Inline[] } | { kind: 'p'; text: Inline[] } | { kind: 'ul'; items: Inline[][] };

function inline(s: string): Inline[] {
  const out: Inline[] = [];
  const re = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) out.push({ text: s.slice(last, m.index) });
    out.push(m[1] !== undefined ? { text: m[1], strong: true } : { text: m[2]!, code: true });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last) });
  return out;
}

export function parseInstructions(src: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: Inline[][] | null = null;
  const flush = () => {
    if (para.length) blocks.push({ kind: 'p', text: inline(para.join(' ')) });
    para = [];
    if (list) blocks.push({ kind: 'ul', items: list });
    list = null;
  };
  for (const raw of src.split(/\r?\n/)) {
    const line = raw.trim();
    const h = /^(#{1,3})\s+(.*)$/.exec(line);
    const li = /^[-*]\s+(.*)$/.exec(line);
    if (!line) flush();
    else if (h) {
      flush();
      blocks.push({ kind: 'h', level: h[1]!.length as 1 | 2 | 3, text: inline(h[2]!) });
    } else if (li) {
      if (para.length) {
        blocks.push({ kind: 'p', text: inline(para.join(' ')) });
        para = [];
      }
      (list ??= []).push(inline(li[1]!));
    } else {
      if (list) {
        blocks.push({ kind: 'ul', items: list });
        list = null;
      }
      para.push(line);
    }
  }
  flush();
  return blocks;
}
