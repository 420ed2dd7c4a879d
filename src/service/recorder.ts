// Writes what the conductor does to the store: every engine event to the event log, and each ride's latest status
// to its row, in one batch every flush interval. NOTE: events are not acknowledged to anyone, so a crash may lose the
// last interval of them; acknowledged ride requests are written before their answer, not here.
import type { SimEvent } from '../core/sim/events.js';
import type { RideStatusUpdate, Store } from '../io/store/store.js';
import type { Conductor } from './conductor.js';

export class Recorder {
  private events: SimEvent[] = [];
  private readonly rides = new Map<string, RideStatusUpdate>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];
  written = 0;

  constructor(
    private readonly store: Store,
    conductor: Conductor,
    private readonly run: number,
  ) {
    this.unsubscribe.push(conductor.onEvent((ev) => void this.events.push(ev)));
    // The car and pickup second go with the status, so a restart can put riders on board back in their car.
    this.unsubscribe.push(
      conductor.onRideChange((id, ride) => void this.rides.set(id, { id, status: ride.status, reason: ride.reason, vehicleId: ride.vehicleId, pickedUpS: ride.pickedUpS ?? null })),
    );
  }

  /** Events and ride statuses buffered so far go to the store (flushes run one at a time, in order). */
  flush(): Promise<void> {
    const events = this.events;
    const rides = [...this.rides.values()];
    this.events = [];
    this.rides.clear();
    this.flushing = this.flushing.then(async () => {
      if (events.length > 0) await this.store.appendEvents(this.run, events);
      if (rides.length > 0) await this.store.setRideStatuses(rides);
      this.written += events.length;
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await this.flush();
  }
}
