// The wall clock mapped to engine seconds, for the live service and demos: engine time = startS + elapsed wall time ×
// speed, floored to whole seconds. Runs past midnight simply keep counting (86 400 is the next day's 00:00).
import type { EngineClock } from '../core/sim/clock.js';

export interface WallClockOptions {
  /** Engine time at the moment the clock is made (e.g. seconds since local midnight). Default 0. */
  startS?: number;
  /** Engine seconds per wall second (1 = real time, 10 = ten times faster). Default 1. */
  speed?: number;
  /** Wall time in milliseconds; default Date.now (tests pass their own). */
  nowMs?: () => number;
}

/**
 * @example
 * const clock = new WallClock({ startS: secondsSinceLocalMidnight(), speed: 10 });
 * setInterval(() => engine.runUntil(clock.nowS()), 100);
 */
export class WallClock implements EngineClock {
  readonly startS: number;
  readonly speed: number;
  private readonly originMs: number;
  private readonly nowMs: () => number;
  private lastS: number;

  constructor(o: WallClockOptions = {}) {
    this.startS = o.startS ?? 0;
    this.speed = o.speed ?? 1;
    if (!Number.isInteger(this.startS)) throw new Error(`wall clock: startS ${this.startS} must be an integer`);
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new Error(`wall clock: speed ${this.speed} must be a positive number`);
    this.nowMs = o.nowMs ?? Date.now;
    this.originMs = this.nowMs();
    this.lastS = this.startS;
  }

  /** Engine seconds now; monotonic even if the wall clock steps back (NTP). */
  nowS(): number {
    const t = this.startS + Math.floor(((this.nowMs() - this.originMs) * this.speed) / 1000);
    if (t > this.lastS) this.lastS = t;
    return this.lastS;
  }

  /** Wall milliseconds until engine second `timeS` begins (0 if it has). */
  msUntil(timeS: number): number {
    const dueMs = this.originMs + ((timeS - this.startS) * 1000) / this.speed;
    return Math.max(0, Math.ceil(dueMs - this.nowMs()));
  }
}

/**
 * A wall clock that stands at `startS` until `start()` is called (`serve --hold`: an emulator registers its cars
 * before the day begins, so the replay starts on time).
 */
export class HeldWallClock implements EngineClock {
  private clock: WallClock | null = null;
  constructor(private readonly o: WallClockOptions & { startS: number }) {}

  get held(): boolean {
    return this.clock === null;
  }

  /** Starts the clock now; false if it was running already. */
  start(): boolean {
    if (this.clock) return false;
    this.clock = new WallClock(this.o);
    return true;
  }

  nowS(): number {
    return this.clock ? this.clock.nowS() : this.o.startS;
  }
}
