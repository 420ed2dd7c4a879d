// The one page shell every Baton report shares: CSS, inlined uPlot, the embedded data blob and small HTML builders.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChartSpec } from './charts.js';
import { REPORT_CLIENT_JS } from './client.js';
import type { MapSpec } from './map.js';

/**
 * Escapes text for HTML element content and double-quoted attributes.
 *
 * @example escapeHtml('<b> & "x"') // '&lt;b&gt; &amp; &quot;x&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON that is safe inside a `<script type="application/json">` element: `<` is escaped so that no string can close
 * the element, and U+2028/2029 so that the text is also valid JavaScript. NaN and ±Infinity become null (JSON has none).
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text must not contain `</script` (it would end the element early). */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

let uplotAssets: { js: string; css: string } | null = null;

/** uPlot's browser build and stylesheet, read once from node_modules so that reports work offline. */
function uplot(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url);
    uplotAssets = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return uplotAssets;
}

/** One fact about the scenario, shown in the page header. */
export interface Fact {
  label: string;
  value: string;
}

/** What a report hands to the shell: text is escaped here, `sections` are trusted HTML built with the helpers below. */
export interface PageInput {
  title: string;
  /** Short line under the title (kind of report). */
  kicker: string;
  facts: readonly Fact[];
  sections: readonly string[];
  charts: readonly ChartSpec[];
  maps: readonly MapSpec[];
  /** Attribution and citation lines, shown in the footer. */
  attribution: readonly string[];
}

const CSS = `
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f5f7fa; --card:#fff; --accent:#2f6db5; --best:#e3f4e8; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
header.page { background:#1f2933; color:#fff; padding:22px 32px 18px; }
header.page .kicker { text-transform:uppercase; letter-spacing:.08em; font-size:11px; color:#9aa5b1; }
header.page h1 { margin:4px 0 12px; font-size:24px; font-weight:600; }
dl.facts { display:flex; flex-wrap:wrap; gap:6px 28px; margin:0; }
dl.facts div { min-width:0; }
dl.facts dt { font-size:11px; color:#9aa5b1; text-transform:uppercase; letter-spacing:.05em; }
dl.facts dd { margin:0; font-size:13px; overflow-wrap:anywhere; }
main { max-width:1200px; margin:0 auto; padding:20px 24px 8px; }
section.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:16px 20px 18px; margin:0 0 18px; }
section.card > h2 { margin:0 0 4px; font-size:17px; font-weight:600; }
section.card > p.note { margin:0 0 12px; color:var(--muted); font-size:13px; }
.grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(480px,1fr)); gap:18px 24px; }
.figure h3 { margin:6px 0 2px; font-size:14px; font-weight:600; }
.figure p.caption { margin:0 0 6px; color:var(--muted); font-size:12px; }
.chart { width:100%; min-height:120px; }
.map { width:100%; position:relative; }
.map canvas { display:block; border:1px solid var(--line); border-radius:4px; }
.legend-row { display:flex; flex-wrap:wrap; gap:4px 18px; margin-top:6px; font-size:12px; color:var(--muted); }
.legend-row .swatch { display:inline-block; width:10px; height:10px; border-radius:50%; margin-right:6px; vertical-align:-1px; }
.kpi-cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:10px; margin:8px 0 16px; }
.kpi-card { border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
.kpi-card .v { font-size:22px; font-weight:600; }
.kpi-card .l { font-size:12px; color:var(--muted); }
table.data { border-collapse:collapse; width:100%; font-size:13px; }
table.data th, table.data td { padding:5px 10px; border-bottom:1px solid var(--line); text-align:left; }
table.data th { font-weight:600; color:var(--muted); font-size:12px; background:#fafbfc; }
table.data td.num, table.data th.num { text-align:right; font-variant-numeric:tabular-nums; }
table.data tr.total td { font-weight:600; border-top:2px solid var(--line); }
table.data td.best { background:var(--best); font-weight:600; }
table.data tr.group td { font-weight:600; background:#eef2f7; font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
table.data tr.chosen td { background:#fff7e0; font-weight:600; }
table.kpis { align-self:start; }
.uplot .u-legend { font-size:12px; }
.uplot .u-title { font-size:14px; }
footer.page { max-width:1200px; margin:0 auto; padding:4px 24px 28px; color:var(--muted); font-size:12px; }
footer.page p { margin:2px 0; }
.cost-chart { margin:4px 0 14px; }
.cost-total { font-size:20px; font-weight:600; margin-bottom:6px; }
.cost-stack { display:flex; height:22px; border-radius:4px; overflow:hidden; margin-bottom:10px; background:var(--line); }
.cost-seg { display:block; height:100%; }
.cost-row { display:grid; grid-template-columns:200px 1fr 150px; gap:8px; align-items:center; font-size:13px; margin:3px 0; }
.cost-track { display:block; height:14px; background:#f0f2f5; border-radius:3px; }
.cost-bar { display:block; height:100%; border-radius:3px; }
.cost-value { text-align:right; font-variant-numeric:tabular-nums; color:var(--muted); }
@media print { body { background:#fff; } section.card { break-inside:avoid; } }
`;

/**
 * The complete HTML document: header with facts, the sections, a footer with attribution, the embedded data and the
 * client script that draws every chart and map (everything inline; no network needed to view it).
 */
export function renderPage(p: PageInput): string {
  const { js, css } = uplot();
  const facts = p.facts.map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd></div>`).join('');
  const footer = [...p.attribution, 'Charts drawn with uPlot (MIT licence), inlined.'].map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Baton">
<title>${escapeHtml(p.title)}</title>
<style>${css}</style>
<style>${CSS}</style>
</head>
<body>
<header class="page">
<div class="kicker">${escapeHtml(p.kicker)}</div>
<h1>${escapeHtml(p.title)}</h1>
<dl class="facts">${facts}</dl>
</header>
<main>
${p.sections.join('\n')}
</main>
<footer class="page">
${footer}
</footer>
<script type="application/json" id="report-data">${jsonForScript({ charts: p.charts, maps: p.maps })}</script>
<script>${inlineScript(js)}</script>
<script>${inlineScript(REPORT_CLIENT_JS)}</script>
</body>
</html>
`;
}

/** A card section with a heading and an optional explanatory note (both escaped); `body` is trusted HTML. */
export function section(id: string, title: string, body: string, note?: string): string {
  const n = note ? `<p class="note">${escapeHtml(note)}</p>` : '';
  return `<section class="card" id="${escapeHtml(id)}"><h2>${escapeHtml(title)}</h2>${n}${body}</section>`;
}

/** One chart or map in a section: title, caption and the container the client script fills. */
export function figure(id: string, title: string, caption: string, kind: 'chart' | 'map' = 'chart'): string {
  const cap = caption ? `<p class="caption">${escapeHtml(caption)}</p>` : '';
  return `<div class="figure"><h3>${escapeHtml(title)}</h3>${cap}<div class="${kind}" id="${escapeHtml(id)}" data-${kind}="${escapeHtml(id)}"></div></div>`;
}

/** Figures side by side (wrapping to one column on narrow screens). */
export function grid(items: readonly string[]): string {
  return `<div class="grid">${items.join('')}</div>`;
}

/** A table cell: text (escaped), right-aligned when numeric, with optional extra classes. */
export interface Cell {
  text: string;
  num?: boolean;
  className?: string;
}

export interface TableOptions {
  className?: string;
  /** Extra class per body row (e.g. 'total', 'chosen'). */
  rowClasses?: readonly (string | undefined)[];
  id?: string;
}

/** A data table; headers and cells are escaped. */
export function table(headers: readonly Cell[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  const cls = (c: Cell): string => {
    const list = [c.num ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ');
    return list ? ` class="${escapeHtml(list)}"` : '';
  };
  const head = headers.map((h) => `<th${cls(h)}>${escapeHtml(h.text)}</th>`).join('');
  const body = rows
    .map((row, i) => {
      const rc = options.rowClasses?.[i];
      return `<tr${rc ? ` class="${escapeHtml(rc)}"` : ''}>${row.map((c) => `<td${cls(c)}>${escapeHtml(c.text)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const id = options.id ? ` id="${escapeHtml(options.id)}"` : '';
  return `<table class="data ${escapeHtml(options.className ?? '')}"${id}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Big-number cards for the headline figures. */
export function kpiCards(cards: readonly { label: string; value: string }[]): string {
  return `<div class="kpi-cards">${cards.map((c) => `<div class="kpi-card"><div class="v">${escapeHtml(c.value)}</div><div class="l">${escapeHtml(c.label)}</div></div>`).join('')}</div>`;
}
