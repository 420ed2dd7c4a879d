// The fake city the fleet-bound tests share: nodes on a 6 × 6 grid, 60 s per block at free flow, Manhattan
// distance (so the triangle inequality holds), and hourly speed factors flat or changing every hour.

export const GRID_W = 6;
export const BLOCK_S = 60;

export const gridFreeFlowS = (a: number, b: number): number =>
  (Math.abs((a % GRID_W) - (b % GRID_W)) + Math.abs(Math.floor(a / GRID_W) - Math.floor(b / GRID_W))) * BLOCK_S;

/** Row-major free-flow table, as carTimeFleetBound asks for it. */
export const gridFreeFlowManyToMany = (sources: Uint32Array, targets: Uint32Array): Float64Array => {
  const out = new Float64Array(sources.length * targets.length);
  for (let i = 0; i < sources.length; i++) for (let k = 0; k < targets.length; k++) out[i * targets.length + k] = gridFreeFlowS(sources[i], targets[k]);
  return out;
};

export const FLAT = Array<number>(24).fill(1);
/** Congestion that changes every hour, so legs near an hour boundary can gain by waiting for it. */
export const WAVY = Array.from({ length: 24 }, (_, h) => [1.6, 1, 2.2, 1.3][h % 4]);
