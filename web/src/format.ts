// Text forms of times and figures on the page.

/** Seconds since midnight of the simulated day as HH:MM:SS (hours go past 24 on a run that crosses midnight). */
export function clockText(s: number, withSeconds = true): string {
  const t = Math.max(0, Math.floor(s));
  const hh = String(Math.floor(t / 3600)).padStart(2, '0');
  const mm = String(Math.floor((t % 3600) / 60)).padStart(2, '0');
  return withSeconds ? `${hh}:${mm}:${String(t % 60).padStart(2, '0')}` : `${hh}:${mm}`;
}

/** A duration as M:SS, or H:MM:SS from an hour. */
export function durationText(s: number): string {
  const t = Math.max(0, Math.round(s));
  const m = Math.floor(t / 60);
  const sec = String(t % 60).padStart(2, '0');
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export const pctText = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} %` : '–');
export const minutesText = (s: number): string => (Number.isFinite(s) ? `${(s / 60).toFixed(1)} min` : '–');
// One formatter, made once: toLocaleString builds a new one on every call (a measurable share of a frame).
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const intText = (n: number): string => (Number.isFinite(n) ? INT.format(Math.round(n)) : '–');

/** Escapes text for innerHTML. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
