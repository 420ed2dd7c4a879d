// The two smallest words of the live service, apart so that the conductor and the parts it is built from
// (operator-areas.ts) can both use them without importing each other.

/** A point as clients send it, degrees (WGS 84). */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Yes, or no with a stable code and a sentence (sent to the client as `{ error, reason }`). */
export type Decision = { ok: true } | { ok: false; error: string; reason: string };
