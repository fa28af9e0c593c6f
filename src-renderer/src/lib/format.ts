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
