// What operators set live that outlives a restart (decision 0025): area pauses (the global one included), the live
// service area and the dispatcher parameters they changed. Kept in the store as one named state, written after each
// such action and before it is acknowledged, and put back by a restarted service once its open rides are resumed.
import { z } from 'zod';
import { PARAMETER_NAMES, type DispatcherParameters } from '../core/dispatch/parameters.js';
import type { PolygonRings } from '../core/network/area.js';
import type { Store } from '../io/store/store.js';
import type { PausedAreaView } from './operator-areas.js';

/** The store's state key. */
export const OPERATOR_STATE_KEY = 'operator_state';

export interface OperatorState {
  paused: PausedAreaView[];
  /** The live service area and who set it; null: none (the network built at start). */
  serviceArea: { polygons: PolygonRings[]; by: string } | null;
  /** Only the parameters operators changed (a restart with other command-line values keeps the others), and who
   *  changed them last; null: none changed. */
  dispatcher: { parameters: Partial<DispatcherParameters>; by: string } | null;
}

const Rings = z.array(z.array(z.array(z.array(z.number()))));
const StoredState = z.object({
  paused: z.array(z.object({ area: z.string(), polygons: Rings, by: z.string(), reason: z.string(), sinceS: z.number() })),
  serviceArea: z.object({ polygons: Rings, by: z.string() }).nullable(),
  dispatcher: z
    .object({ parameters: z.partialRecord(z.enum(PARAMETER_NAMES), z.union([z.number(), z.boolean()])), by: z.string() })
    .nullable(),
});

/** What holds the live operator state: the conductor (this file names only what it needs, so that it does not import it). */
export interface OperatorStateHolder {
  operatorState(): OperatorState;
  restoreOperatorState(state: OperatorState): RestoredOperatorState;
}

/** Writes the conductor's operator state to the store (durable when it resolves). */
export async function saveOperatorState(store: Store, conductor: OperatorStateHolder): Promise<void> {
  await store.setState(OPERATOR_STATE_KEY, JSON.stringify(conductor.operatorState()));
}

/** The stored operator state; undefined when none was stored. Throws, naming the key, when it is not readable. */
export async function loadOperatorState(store: Store): Promise<OperatorState | undefined> {
  const text = await store.getState(OPERATOR_STATE_KEY);
  if (text === undefined || text === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`stored state "${OPERATOR_STATE_KEY}" is not JSON: ${(err as Error).message}`);
  }
  const parsed = StoredState.safeParse(json);
  if (!parsed.success) throw new Error(`stored state "${OPERATOR_STATE_KEY}" is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data as unknown as OperatorState;
}

/** What a restart put back, for the start log line. */
export interface RestoredOperatorState {
  pausedAreas: number;
  serviceArea: boolean;
  dispatcherParameters: string[];
  /** Why a stored setting was not put back (e.g. a parameter the preset now running does not have). */
  skipped: string[];
}

/** Puts the stored operator state back into the conductor (each part logged again, marked restored). */
export async function restoreOperatorState(store: Store, conductor: OperatorStateHolder): Promise<RestoredOperatorState> {
  let state: OperatorState | undefined;
  try {
    state = await loadOperatorState(store);
  } catch (err) {
    // A state the service cannot read must not keep it down: it starts without, and says why.
    return { pausedAreas: 0, serviceArea: false, dispatcherParameters: [], skipped: [(err as Error).message] };
  }
  if (!state) return { pausedAreas: 0, serviceArea: false, dispatcherParameters: [], skipped: [] };
  return conductor.restoreOperatorState(state);
}
