// Vehicle telemetry: keeps each car's last fix, writes last-known positions to the store in batches (not per
// sample), and takes a car out of service when it has been silent longer than the configured time.
import type { Store, VehicleSighting } from '../io/store/store.js';
import type { Conductor } from './conductor.js';
import type { TelemetrySample } from './schemas.js';

export interface TelemetryOptions {
  /** A registered car silent this long (wall seconds) is taken out of service. 0 turns the check off. */
  silenceS: number;
  nowMs?: () => number;
  onSilent?(vehicleId: string): void;
}

/** Sightings per store write: a ride's commit queued behind a sightings write waits for one chunk, not for the fleet. */
export const SIGHTING_CHUNK = 1000;

export class TelemetryHub {
  private readonly lastSeenMs = new Map<string, number>();
  /** Per car heard from since the last flush: its last fix and when it arrived (the sighting is built at flush). */
  private readonly pending = new Map<string, { sample: TelemetrySample; atMs: number }>();
  private readonly silenced = new Set<string>();
  private readonly nowMs: () => number;
  samples = 0;

  constructor(
    private readonly store: Store,
    private readonly conductor: Conductor,
    private readonly o: TelemetryOptions,
  ) {
    this.nowMs = o.nowMs ?? Date.now;
  }

  /** A batch from `vehicleId` (already authenticated as that vehicle and validated). */
  ingest(vehicleId: string, samples: readonly TelemetrySample[]): void {
    if (samples.length === 0) return;
    const now = this.nowMs();
    this.samples += samples.length;
    this.lastSeenMs.set(vehicleId, now);
    if (this.silenced.size > 0) this.silenced.delete(vehicleId);
    const sample = samples[samples.length - 1];
    const p = this.pending.get(vehicleId);
    if (p) {
      p.sample = sample;
      p.atMs = now;
    } else this.pending.set(vehicleId, { sample, atMs: now });
    this.conductor.telemetry(vehicleId, samples);
  }

  /** A car starts being watched when it registers (silence counts from then). */
  watch(vehicleId: string): void {
    if (!this.lastSeenMs.has(vehicleId)) this.lastSeenMs.set(vehicleId, this.nowMs());
  }

  /** Takes silent cars out of service; returns their ids. Called once a second. */
  checkSilence(): string[] {
    if (!(this.o.silenceS > 0)) return [];
    const limit = this.nowMs() - this.o.silenceS * 1000;
    const out: string[] = [];
    for (const [id, seen] of this.lastSeenMs) {
      if (seen >= limit || this.silenced.has(id)) continue;
      this.silenced.add(id);
      const d = this.conductor.setInService(id, false, `telemetry silent for more than ${this.o.silenceS} s`);
      if (d.ok) out.push(id);
      this.o.onSilent?.(id);
    }
    return out;
  }

  /**
   * Writes the last fix of every car heard from since the previous flush, SIGHTING_CHUNK cars per write, one write
   * after another: with 20,000 cars one write held the store's thread for the whole fleet while ride requests, whose
   * answers wait for their commit, queued behind it.
   */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch: VehicleSighting[] = [];
    for (const [id, { sample, atMs }] of this.pending) batch.push({ id, atMs, lat: sample.lat, lon: sample.lon, socPct: sample.socPct ?? null });
    this.pending.clear();
    for (let i = 0; i < batch.length; i += SIGHTING_CHUNK) await this.store.recordSightings(batch.slice(i, i + SIGHTING_CHUNK));
  }
}
