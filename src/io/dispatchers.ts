// The named dispatcher presets users pick with --dispatcher, built for a loaded scenario (presets that need I/O — a
// solver to load, a demand history to read — are prepared here, outside the pure core).
import type { Dispatcher } from '../core/dispatch/types.js';
import { greedy } from '../core/dispatch/greedy.js';
import type { Scenario } from './scenario.js';

export interface PresetInfo {
  name: string;
  description: string;
}

export const DISPATCHER_PRESETS: readonly PresetInfo[] = [
  { name: 'greedy', description: 'baseline: nearest idle car at once, else FIFO queue for the next free car' },
];

/** The preset users get when they do not choose. */
export const DEFAULT_DISPATCHER = 'greedy';

/** Builds a preset by name for this scenario; unknown names list the known ones. */
export async function makeDispatcher(name: string, _scenario: Scenario): Promise<Dispatcher> {
  switch (name) {
    case 'greedy':
      return greedy();
    default:
      throw new Error(`unknown dispatcher "${name}" (known: ${DISPATCHER_PRESETS.map((p) => p.name).join(', ')})`);
  }
}
