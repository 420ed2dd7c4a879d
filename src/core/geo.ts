// Great-circle geometry on WGS84 degrees: distances and a local planar projection for short segments.

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Haversine distance in metres between two lat/lon points (degrees). */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Metres per degree of latitude and of longitude at latitude `lat` (equirectangular, fine below a few km). */
export function metresPerDegree(lat: number): { mPerDegLat: number; mPerDegLon: number } {
  const mPerDegLat = EARTH_RADIUS_M * RAD;
  return { mPerDegLat, mPerDegLon: mPerDegLat * Math.cos(lat * RAD) };
}

/** True if lat/lon are finite and within the WGS84 ranges. */
export function isValidLatLon(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && !(lat === 0 && lon === 0);
}
