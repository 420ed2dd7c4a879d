// The dispatcher parameters an operator may change while a live service runs (decision 0025): their names, ranges and
// one check that names the bad field. The engine owns `maxWaitS`; each policy of a preset owns the others it reads and
// exposes them through `Dispatcher.parameters` / `Dispatcher.tune`, so a preset offers exactly the ones it has.

/** Parameters a policy of the preset reads; absent: the preset has no such policy. */
export interface TunableParameters {
  /** pooled presets: riders who accept sharing may share a car (false: one request per car at a time). */
  pooling?: boolean;
  /** pooled presets: a shared rider's extra in-car time is at most max(minDetourS, detourShare × direct ride). */
  minDetourS?: number;
  detourShare?: number;
  /** pooled presets: weight of the car time a trip adds beyond its riders' own rides (0: wait and delay alone; decision 0041). */
  carTimeWeight?: number;
  /** pooled presets: a new request is accepted only with a pickup within the 5-min target, else rejected at once (decision 0042). */
  admitOnTime?: boolean;
  /** pooled presets, under admission: while under 5 % of cars are idle, long rides are declined first (weight × ride; 0: off). */
  scarceRideWeight?: number;
  /** +rebalance presets: idle cars are moved toward forecast demand every round (false: they wait where they are). */
  rebalancing?: boolean;
  /** +rebalance presets: share of the gap to the forecast spread of idle cars closed per round, 0–1. */
  rebalanceShare?: number;
  /** With charging sites: a car that frees up below this share of its battery goes to charge … */
  chargeBelowShare?: number;
  /** … and charges up to this share. */
  chargeToShare?: number;
}

/** Every parameter of a running dispatcher: the engine's max wait and the preset's own. */
export interface DispatcherParameters extends TunableParameters {
  /** A request not picked up this long after it was made is given up (RequestCancelled, reason max_wait). */
  maxWaitS: number;
}

export type ParameterName = keyof DispatcherParameters;

/** The numeric parameters' ranges (integer: whole seconds). */
export const PARAMETER_RANGES = {
  maxWaitS: { min: 1, max: 86_400, integer: true, above: false },
  minDetourS: { min: 0, max: 3600, integer: true, above: false },
  detourShare: { min: 0, max: 5, integer: false, above: false },
  carTimeWeight: { min: 0, max: 10, integer: false, above: false },
  scarceRideWeight: { min: 0, max: 10, integer: false, above: false },
  rebalanceShare: { min: 0, max: 1, integer: false, above: false },
  chargeBelowShare: { min: 0, max: 1, integer: false, above: true },
  chargeToShare: { min: 0, max: 1, integer: false, above: true },
} as const;

/** Every parameter in the order the log and the API list them. */
export const PARAMETER_NAMES = ['maxWaitS', 'pooling', 'minDetourS', 'detourShare', 'carTimeWeight', 'admitOnTime', 'scarceRideWeight', 'rebalancing', 'rebalanceShare', 'chargeBelowShare', 'chargeToShare'] as const satisfies readonly ParameterName[];

const BOOLEAN_PARAMETERS: ReadonlySet<string> = new Set(['pooling', 'admitOnTime', 'rebalancing']);

/** What a numeric parameter accepts, in words: "an integer in 1..86400". */
export function rangeText(name: keyof typeof PARAMETER_RANGES): string {
  const r = PARAMETER_RANGES[name];
  return r.integer ? `an integer in ${r.min}..${r.max}` : `a number in ${r.above ? '(' : '['}${r.min}, ${r.max}]`;
}

/** The parameters in `PARAMETER_NAMES` order, absent ones left out (a stable key order for the log). */
export function orderedParameters(p: DispatcherParameters): DispatcherParameters {
  const out: Record<string, number | boolean> = {};
  for (const k of PARAMETER_NAMES) if (p[k] !== undefined) out[k] = p[k]!;
  return out as unknown as DispatcherParameters;
}

/**
 * Why a change to a dispatcher with parameters `current` is refused, or null: a name the preset does not have, a
 * value of the wrong type or out of range, or a charging threshold pair out of order. The message names the field.
 *
 * @example changeRefusal({ maxWaitS: 600 }, { maxWaitS: 0 }) // 'maxWaitS: 0 is not an integer in 1..86400'
 */
export function changeRefusal(current: DispatcherParameters, change: Partial<DispatcherParameters>): string | null {
  const names = Object.keys(change);
  if (names.length === 0) return 'give at least one parameter to change';
  for (const name of names) {
    const value = (change as Record<string, unknown>)[name];
    if (!(PARAMETER_NAMES as readonly string[]).includes(name)) return `${name}: no such dispatcher parameter (known: ${PARAMETER_NAMES.join(', ')})`;
    if (!(name in current)) return `${name}: this dispatcher has no such parameter (it has ${Object.keys(current).join(', ')})`;
    if (BOOLEAN_PARAMETERS.has(name)) {
      if (typeof value !== 'boolean') return `${name}: ${JSON.stringify(value)} is not true or false`;
      continue;
    }
    const r = PARAMETER_RANGES[name as keyof typeof PARAMETER_RANGES];
    const ok = typeof value === 'number' && Number.isFinite(value) && (!r.integer || Number.isInteger(value)) && (r.above ? value > r.min : value >= r.min) && value <= r.max;
    if (!ok) return `${name}: ${JSON.stringify(value)} is not ${rangeText(name as keyof typeof PARAMETER_RANGES)}`;
  }
  const after = { ...current, ...change };
  if (after.chargeBelowShare !== undefined && after.chargeToShare !== undefined && !(after.chargeToShare > after.chargeBelowShare)) {
    return `chargeToShare: ${after.chargeToShare} must be above chargeBelowShare ${after.chargeBelowShare}`;
  }
  return null;
}
