// The live clock: engine seconds from the wall clock, optionally accelerated (`--speed 10`: ten engine seconds per
// wall second). Engine second 0 is local midnight of the day the service started, as in the simulator.

export interface LiveClockOptions {
  /** Engine seconds per wall second. */
  speed: number;
  /** Wall time (epoch ms) that maps to engine second `startS`. */
  anchorMs: number;
  startS: number;
  nowMs?: () => number;
}

export class LiveClock {
  readonly speed: number;
  private readonly nowMs: () => number;

  constructor(private readonly o: LiveClockOptions) {
    if (!(o.speed > 0 && o.speed <= 1000)) throw new Error(`--speed must be in (0, 1000], got ${o.speed}`);
    this.speed = o.speed;
    this.nowMs = o.nowMs ?? Date.now;
  }

  /** The engine second it is now (whole seconds, never before startS). */
  engineS(): number {
    return this.o.startS + Math.max(0, Math.floor(((this.nowMs() - this.o.anchorMs) * this.speed) / 1000));
  }

  /** Seconds since local midnight of `ms` (the engine's day start). */
  static localSecondOfDay(ms: number): number {
    const d = new Date(ms);
    return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
  }
}
