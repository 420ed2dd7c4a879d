// The registry of trip-file formats, by the name users pass on the command line.
import { batonCsv } from './baton.js';
import { nycTlc } from './nyc-tlc.js';
import { rideAustin } from './ride-austin.js';
import { sfCabspotting } from './sf-cabspotting.js';
import type { TripFormat } from './format.js';

export type { TripFormat, RowParser, FormatContext } from './format.js';

/** Every supported format, keyed by name. */
export const TRIP_FORMATS = {
  'sf-cabspotting': sfCabspotting,
  rideaustin: rideAustin,
  'nyc-tlc': nycTlc,
  baton: batonCsv,
} as const satisfies Record<string, TripFormat>;

export type TripFormatName = keyof typeof TRIP_FORMATS;

/** The format called `name`; throws an error listing the known names otherwise. */
export function tripFormat(name: string): TripFormat {
  if (Object.hasOwn(TRIP_FORMATS, name)) return TRIP_FORMATS[name as TripFormatName];
  throw new Error(`unknown trip format "${name}" (expected one of: ${Object.keys(TRIP_FORMATS).join(', ')})`);
}
