// Default free-flow speeds per road class (km/h), used where the data carries no usable maxspeed. Overridable per run.
import { RoadClass, type RoadClassName } from './graph.js';

/**
 * Defaults (km/h). Urban-realistic rather than legal maxima: motorway 90, trunk 70, primary 50, secondary 45,
 * tertiary 40, unclassified 35, residential 30, service 15, living_street 10, ramp 50, other 25.
 * For SF's TIGER classes these give 25–30 mph local / ~30 mph arterial / ~55 mph freeway.
 */
export const DEFAULT_SPEED_KPH: Readonly<Record<RoadClassName, number>> = {
  motorway: 90,
  trunk: 70,
  primary: 50,
  secondary: 45,
  tertiary: 40,
  unclassified: 35,
  residential: 30,
  service: 15,
  living_street: 10,
  ramp: 50,
  other: 25,
};

export type SpeedTable = Record<RoadClassName, number>;

/** The default table with overrides applied; rejects unknown classes and non-positive speeds, naming them. */
export function speedTable(overrides: Partial<Record<string, number>> = {}): SpeedTable {
  const table: SpeedTable = { ...DEFAULT_SPEED_KPH };
  for (const [name, kph] of Object.entries(overrides)) {
    if (!(name in RoadClass)) throw new Error(`speed table: unknown road class "${name}" (known: ${Object.keys(RoadClass).join(', ')})`);
    if (typeof kph !== 'number' || !(kph > 0) || !Number.isFinite(kph)) throw new Error(`speed table: speed for "${name}" is ${kph}; it must be a number > 0 km/h`);
    table[name as RoadClassName] = kph;
  }
  return table;
}

/** Travel time in ms for `lengthM` at `kph`. */
export function edgeTimeMs(lengthM: number, kph: number): number {
  return Math.max(1, Math.round((lengthM / (kph / 3.6)) * 1000));
}
