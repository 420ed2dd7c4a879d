// What a report says about its scenario (inputs, date, fleet, dispatcher, seed) and the attribution lines it must carry.
import type { Fact } from './page.js';

/**
 * The scenario a report describes. Matches `Scenario.description` from src/io/scenario.ts plus the run settings,
 * so that a command can pass `{ ...scenario.description, fleet, dispatcher, seed }`.
 */
export interface ScenarioInfo {
  /** Page title; default chosen by each report. */
  title?: string;
  /** Free text under the facts (e.g. what the run tests). */
  description?: string;
  /** Road network source (file names or `synthetic:…`). */
  network: string;
  /** Trip source (file, or synthetic demand with its size and seed). */
  trips: string;
  /** Local day YYYY-MM-DD of the requests, where one was selected. */
  date?: string;
  fleet?: number;
  dispatcher?: string;
  seed?: number;
  /** Licence/attribution line of the road data (graph.meta.attribution). */
  networkAttribution?: string;
  /** Citation of the trip data, where it is third-party. */
  tripsAttribution?: string;
  /** Further facts shown in the header, in order. */
  extra?: Record<string, string | number>;
}

/** Header facts of a scenario, in a fixed order; absent fields are left out. */
export function scenarioFacts(s: ScenarioInfo): Fact[] {
  const facts: Fact[] = [
    { label: 'Network', value: s.network },
    { label: 'Trips', value: s.trips },
  ];
  if (s.date) facts.push({ label: 'Date', value: s.date });
  if (s.fleet !== undefined) facts.push({ label: 'Fleet', value: `${s.fleet} vehicles` });
  if (s.dispatcher) facts.push({ label: 'Dispatcher', value: s.dispatcher });
  if (s.seed !== undefined) facts.push({ label: 'Seed', value: String(s.seed) });
  for (const [label, value] of Object.entries(s.extra ?? {})) facts.push({ label, value: String(value) });
  return facts;
}

/** Attribution lines: road data, trip data (each once, blank ones dropped). */
export function attributionLines(s: ScenarioInfo, networkAttribution?: string): string[] {
  const lines = [networkAttribution ?? s.networkAttribution, s.tripsAttribution].filter((l): l is string => Boolean(l && l.trim()));
  return [...new Set(lines)];
}
