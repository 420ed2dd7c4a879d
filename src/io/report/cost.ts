// The cost section of a report: the cost per mile split by item as a bar chart (plain HTML and CSS, so that it prints
// and needs no script) and a table of every item per mile, per trip and in all, with revenue and the operator figures.
import { COST_ITEM_LABELS, type CostSummary } from '../../core/metrics/cost.js';
import { escapeHtml, table, type Cell } from './page.js';

const usd = (x: number, digits = 2): string => (Number.isFinite(x) ? `$${x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}` : '–');

/** Bar colour per item (Tableau 10, in COST_ITEMS order). */
const ITEM_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#76b7b2', '#b07aa1', '#e15759', '#edc948', '#9c755f'] as const;

/**
 * The cost per vehicle mile as one stacked bar (the share of each item) above one bar per item (its cost per mile,
 * scaled to the largest). Every bar carries its value as text, so the chart reads without colour.
 */
export function costBreakdownChart(c: CostSummary): string {
  const lines = c.items.map((l, i) => ({ ...l, color: ITEM_COLORS[i % ITEM_COLORS.length] }));
  const total = c.totalUsd;
  const largest = Math.max(...lines.map((l) => l.totalUsd), 0);
  const stack = lines
    .filter((l) => l.totalUsd > 0 && total > 0)
    .map((l) => `<span class="cost-seg" data-item="${l.item}" style="width:${((100 * l.totalUsd) / total).toFixed(3)}%;background:${l.color}" title="${escapeHtml(`${COST_ITEM_LABELS[l.item]}: ${usd(l.perMileUsd)} per mile`)}"></span>`)
    .join('');
  const bars = lines
    .map((l) => {
      const width = largest > 0 ? (100 * l.totalUsd) / largest : 0;
      const share = total > 0 ? ` (${((100 * l.totalUsd) / total).toFixed(1)} %)` : '';
      return (
        `<div class="cost-row" data-item="${l.item}"><span class="cost-label">${escapeHtml(COST_ITEM_LABELS[l.item])}</span>` +
        `<span class="cost-track"><span class="cost-bar" style="width:${width.toFixed(3)}%;background:${l.color}"></span></span>` +
        `<span class="cost-value">${usd(l.perMileUsd, 3)}/mi${share}</span></div>`
      );
    })
    .join('');
  return (
    `<div class="cost-chart" id="cost-breakdown"><div class="cost-total">${usd(c.costPerMileUsd)} per vehicle mile</div>` +
    `<div class="cost-stack">${stack}</div>${bars}</div>`
  );
}

/** Every item per mile, per trip and in all, then the totals, revenue and the operator's figures. */
export function costTable(c: CostSummary): string {
  const rows: Cell[][] = c.items.map((l) => [{ text: COST_ITEM_LABELS[l.item] }, { text: usd(l.perMileUsd, 3), num: true }, { text: usd(l.perTripUsd), num: true }, { text: usd(l.totalUsd, 0), num: true }]);
  rows.push([{ text: 'Total cost' }, { text: usd(c.costPerMileUsd, 3), num: true }, { text: usd(c.costPerTripUsd), num: true }, { text: usd(c.totalUsd, 0), num: true }]);
  rows.push([{ text: 'Revenue' }, { text: usd(c.revenuePerMileUsd, 3), num: true }, { text: '' }, { text: usd(c.revenueUsd, 0), num: true }]);
  rows.push([{ text: 'Margin' }, { text: usd(c.marginPerMileUsd, 3), num: true }, { text: '' }, { text: usd(c.revenueUsd - c.totalUsd, 0), num: true }]);
  return table(
    [{ text: 'Cost item' }, { text: 'Per vehicle mile', num: true }, { text: 'Per trip', num: true }, { text: 'In all', num: true }],
    rows,
    { id: 'cost-table', rowClasses: rows.map((_, i) => (i === c.items.length ? 'total' : undefined)) },
  );
}

/** The operator's figures that go with the cost: paid share, paid hours, energy, plug use. */
export function operatorTable(c: CostSummary): string {
  const rows: [string, string][] = [
    ['Cost per paid mile', usd(c.costPerPaidMileUsd)],
    ['Paid miles / vehicle miles', `${c.paidMiles.toLocaleString('en-US', { maximumFractionDigits: 0 })} / ${c.vehicleMiles.toLocaleString('en-US', { maximumFractionDigits: 0 })} (${(100 * c.paidMileShare).toFixed(1)} %)`],
    ['Paid hours per car per week', Number.isFinite(c.paidHoursPerVehiclePerWeek) ? c.paidHoursPerVehiclePerWeek.toFixed(1) : '– (less than a day simulated)'],
    ['Energy driven / bought', `${c.energyKwh.toFixed(0)} kWh / ${c.gridEnergyKwh.toFixed(0)} kWh`],
    ['Plugs, share of time in use', c.plugsAssumed ? `${c.plugs} assumed (no charging sites in the run)` : `${c.plugs}, ${(100 * c.chargerUtilisation).toFixed(1)} %`],
  ];
  return table([{ text: 'Operator figure' }, { text: 'Value', num: true }], rows.map(([k, v]) => [{ text: k }, { text: v, num: true }]), { id: 'operator-table' });
}

/** Cost per mile by item, one column per run, totals and operator figures below; the lowest total cost highlighted. */
export function costComparisonTable(runs: readonly { label: string; cost: CostSummary }[]): string {
  const headers: Cell[] = [{ text: 'Per vehicle mile' }, ...runs.map((r) => ({ text: r.label, num: true }))];
  const rows: Cell[][] = [];
  const rowClasses: (string | undefined)[] = [];
  const push = (label: string, values: number[], format: (x: number) => string, lowerIsBetter?: boolean, cls?: string) => {
    const finite = values.filter(Number.isFinite);
    const best = lowerIsBetter === undefined || finite.length < 2 ? NaN : lowerIsBetter ? Math.min(...finite) : Math.max(...finite);
    rows.push([{ text: label }, ...values.map((v) => ({ text: format(v), num: true, className: v === best && finite.some((x) => x !== best) ? 'best' : undefined }))]);
    rowClasses.push(cls);
  };
  runs[0]?.cost.items.forEach((line, i) => push(COST_ITEM_LABELS[line.item], runs.map((r) => r.cost.items[i].perMileUsd), (x) => usd(x, 3)));
  push('Total cost per vehicle mile', runs.map((r) => r.cost.costPerMileUsd), (x) => usd(x, 3), true, 'total');
  push('Cost per paid mile', runs.map((r) => r.cost.costPerPaidMileUsd), (x) => usd(x), true);
  push('Cost per trip', runs.map((r) => r.cost.costPerTripUsd), (x) => usd(x), true);
  push('Margin per vehicle mile', runs.map((r) => r.cost.marginPerMileUsd), (x) => usd(x, 3), false);
  push('Paid miles (% of vehicle miles)', runs.map((r) => 100 * r.cost.paidMileShare), (x) => `${x.toFixed(1)} %`, false);
  push('Paid hours per car per week', runs.map((r) => r.cost.paidHoursPerVehiclePerWeek), (x) => (Number.isFinite(x) ? x.toFixed(1) : '–'), false);
  return table(headers, rows, { id: 'comparison-cost', className: 'compare', rowClasses });
}
