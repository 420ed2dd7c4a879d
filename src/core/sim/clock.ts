// The clock seam: what tells the engine how far to advance. Offline runs need none (the trip source drives time as
// fast as the CPU allows); live runs read a wall clock mapped to engine seconds (src/io/wall-clock.ts) and call
// `engine.runUntil(clock.nowS())` on every tick.

/** A source of the current engine time in integer seconds; never decreases. */
export interface EngineClock {
  nowS(): number;
}

/** A clock moved by hand (tests, replays stepped by a UI): starts at `startS`, advances with `advanceTo`. */
export class ManualClock implements EngineClock {
  private t: number;

  constructor(startS = 0) {
    this.t = startS;
  }

  nowS(): number {
    return this.t;
  }

  /** Moves the clock forward to `timeS` (never back). */
  advanceTo(timeS: number): void {
    if (!Number.isInteger(timeS)) throw new Error(`clock: time ${timeS} must be an integer number of seconds`);
    this.t = Math.max(this.t, timeS);
  }
}
