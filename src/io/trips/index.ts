// Trip import: streaming readers for the supported trip files and the loader that prepares them for simulation.
export { loadTrips, loadTripDays, FILE_LEVEL_REASONS, parseTimeWindow, parseLocalDate, emptyRejectCounts } from './load.js';
export type { LoadTripsOptions, LoadedTrips, LoadProgress, TimeWindow } from './load.js';
export { readTrips, openTripFile } from './read.js';
export type { TripRow, ReadTripsOptions, TripFile } from './read.js';
export { TRIP_FORMATS, tripFormat } from './formats/index.js';
export type { TripFormat, TripFormatName } from './formats/index.js';
