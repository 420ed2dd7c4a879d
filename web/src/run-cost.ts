// The whole run's cost per mile and state of charge, for the replay's KPI panel: the report's cost model
// (src/core/metrics/cost.ts) at its documented default prices over the run's KPIs, and the lowest SoC of any car when
// the run had energy. One sentence, so the page and its test read the same text.
import { costInputsFromKpis, costSummary, DEFAULT_COST_PARAMETERS } from '../../src/core/metrics/cost.js';
import type { Kpis } from '../../src/core/metrics/kpis.js';

/** e.g. "Cost $1.37 per vehicle mile ($3.28 per trip, 62 % of miles paid) at the default prices; lowest SoC 9.6 kWh." */
export function wholeRunCostText(k: Kpis): string {
  if (!(k.vehicleKm > 0)) return 'Cost per mile: no vehicle miles in this run.';
  const c = costSummary(costInputsFromKpis(k), DEFAULT_COST_PARAMETERS);
  const soc = Number.isFinite(k.minSocKwh) ? `; lowest SoC ${k.minSocKwh.toFixed(1)} kWh` : '';
  return (
    `Cost $${c.costPerMileUsd.toFixed(2)} per vehicle mile ($${c.costPerTripUsd.toFixed(2)} per trip, ` +
    `${Math.round(100 * c.paidMileShare)} % of miles paid) at the default prices (docs/fleet-operations.md)${soc}.`
  );
}
