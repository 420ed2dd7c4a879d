// What the dashboard offers its drivers on `window.__baton`: the browser tests and the frame-time benchmark read the
// page's state through it and move its clock. Plain types only (no DOM), so Node-side code can import it.

/** The live page's operator area and car controls (web/src/operator-actions.ts), as tests read them. */
export interface OperatorActionsState {
  /** Controls shown: the stream accepted an operator key. */
  shown: boolean;
  selectedCells: string[];
  /** Names of the paused areas. */
  paused: string[];
  serviceArea: boolean;
  sites: number;
  /** The last action's answer, as shown. */
  message: string;
  /** The running dispatcher's preset and parameters, as the form shows them (null until fetched). */
  dispatcher: { preset: string; parameters: Record<string, number | boolean> } | null;
}

/** What `window.__baton` offers the browser tests and the frame-time benchmark. */
/** One run's state on the page (replay: run 0, or A = 0 and B = 1 in a comparison). */
export interface RunState {
  carMarkers: number;
  riderMarkers: number;
  activityCounts: Record<string, number>;
  /** H3 cells drawn by the heat overlay (0 while it is hidden). */
  heatCells: number;
  chargingSites: number;
  serviceAreaPolygons: number;
  /** Operator areas (pauses, live service areas) drawn at the replay's time; a recorded live run only. */
  operatorAreas?: number;
  camera: { lon: number; lat: number; zoom: number };
}

export interface DashboardHook {
  ready: boolean;
  mode: 'replay' | 'live';
  /** Runs shown side by side (1, or 2 in a comparison; 1 live). */
  runs: number;
  timeS: number;
  playing: boolean;
  speed: number;
  startS: number;
  endS: number;
  /** Who draws the cars and riders (deck.gl, or the CPU into a canvas where WebGL is software), and the WebGL renderer. */
  markerRenderer: 'deck' | 'canvas';
  webglRenderer: string;
  /** Vehicles in the log, and those placed by the current time. */
  vehicleCount: number;
  placedVehicles(run?: number): number;
  runState(run: number): RunState;
  /** Whether run's map has this MapLibre layer, visible. */
  layerShown(layerId: string, run?: number): boolean;
  setOverlay(name: 'heat' | 'chargers' | 'area', visible: boolean): void;
  /** Markers handed to the map in the last frame, and cars per activity. */
  carMarkers: number;
  riderMarkers: number;
  activityCounts: Record<string, number>;
  framesDrawn: number;
  selectedVehicle: number | undefined;
  /** Replay only: the request of the rider whose card is open. */
  selectedRequest?: number | undefined;
  /** Live mode only: the stream's state and what it brought (messages and characters received). */
  live?(): { connected: boolean; error: string | undefined; snapshots: number; deltas: number; bytes: number; ids: Record<string, string>; requestsPaused: boolean; operatorActions: OperatorActionsState };
  seek(timeS: number): void;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  select(vehicle: number | undefined): Promise<void>;
  /** Opens the card of the rider of request r (undefined: closes it). */
  selectRider?(request: number | undefined): Promise<void>;
  /** Page coordinates of request r's pickup (where its waiting rider is drawn), undefined off the map (live: while it waits). */
  riderPagePoint?(request: number): { x: number; y: number } | undefined;
  /** Replay only: one of `candidates` waiting on the map now with no car and no other rider within `clearPx`. */
  isolatedWaitingRider?(candidates: number[], clearPx?: number): number | undefined;
  /** Page coordinates of vehicle v now (undefined if not placed or off the map). */
  vehiclePagePoint(v: number): { x: number; y: number } | undefined;
  /** A vehicle with riders assigned, on the map, with no other car within `clearPx` (to click without ambiguity). */
  isolatedBusyVehicle(clearPx?: number): number | undefined;
  /** Frame intervals (ms) while playing, since the last reset. */
  /** meanWorkMs: the page's own work per frame (sampling, map, panels), of which meanSampleMs and meanMapMs. */
  frameStats(): { frames: number; medianMs: number; p95Ms: number; meanWorkMs: number; meanSampleMs: number; meanMapMs: number };
  resetFrameStats(): void;
}
