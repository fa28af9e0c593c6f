// Display formatting shared by the views. Numbers use the user's locale with tabular figures (CSS).

const intFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function fmtInt(n: number): string {
  return intFmt.format(n);
}

/** Feature values: short but faithful (3 significant digits, integers as-is). */
export function fmtFeature(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export function fmtDwell(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} m ${Math.round(s % 60)} s`;
}

/** Calendar date and time of day in UTC, as logged (sessions span users in many zones). */
export function fmtDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function fmtTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19);
}

/** Gap between two turns, e.g. "+45 s", "+3 m". */
export function fmtGap(fromIso: string, toIso: string): string {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `+${s} s`;
  if (s < 3600) return `+${Math.round(s / 60)} m`;
  return `+${(s / 3600).toFixed(1)} h`;
}

export interface TextPart {
  text: string;
  /** This part is the searched-for text. */
  hit: boolean;
}

/**
 * Splits `text` around the first occurrence of `needle`, compared the way the backend's search
 * compares (NFKC + lower case), so the list can mark what matched with a <mark> element built from
 * text nodes. Folding can change a character's length, so the match is mapped back to whole
 * characters of the original. No match (or an empty needle): one part, no hit.
 */
export function matchParts(text: string, needle: string): TextPart[] {
  const fold = (s: string) => s.normalize('NFKC').toLowerCase();
  const n = fold(needle.trim());
  if (!n) return [{ text, hit: false }];
  let folded = '';
  /** origin[i]: index in `text` of the character folded[i] came from. */
  const origin: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  const at = folded.indexOf(n);
  if (at < 0) return [{ text, hit: false }];
  const start = origin[at]!;
  const lastFrom = origin[at + n.length - 1]!;
  const end = lastFrom + String.fromCodePoint(text.codePointAt(lastFrom)!).length;
  return [
    { text: text.slice(0, start), hit: false },
    { text: text.slice(start, end), hit: true },
    { text: text.slice(end), hit: false },
  ].filter((p) => p.text !== '');
}

/** A metric with its value for tooltips and labels: "mean NDCG@10 = 0.9727". */
export function fmtMetric(label: string, value: number | null, digits = 4): string {
  return `${label} = ${value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits)}`;
}
