// Self-contained HTML reports (simulation run, dispatcher comparison, fleet sizing) that open offline in any browser.
export { renderSimulationReport, rejectedRowsTable, type SimulationReportInput } from './simulation.js';
export { renderComparisonReport, type ComparisonRun } from './comparison.js';
export { renderFleetSizeReport, type FleetSizePoint, type FleetSizeReportOptions } from './fleet-size.js';
export type { ScenarioInfo } from './scenario.js';
