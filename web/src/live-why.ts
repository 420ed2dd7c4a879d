// The live dashboard's selected car: its plan (the stops the service gave it, drawn on the map and listed) and the
// dispatcher's last reason for it (decision 0022), fetched with the operator's key from
// GET /v1/operator/cars/:car/why while the car stays selected.
import type { PlanExplained } from '../../src/core/sim/events.js';
import { reasonHtml } from './explain.js';
import { esc } from './format.js';
import { loadJson } from './fetch-json.js';

interface CarWhy {
  car: number;
  vehicleId: string | null;
  plan: { action: 'pickup' | 'dropoff'; rideId: string; lat: number; lon: number }[];
  reason: PlanExplained | null;
}

/** Wall ms between fetches of the selected car's plan. */
const EVERY_MS = 2000;

export class LiveWhy {
  private car: number | undefined;
  private data: CarWhy | undefined;
  private error: string | undefined;
  private lastMs = -Infinity;
  private inFlight = false;

  /** `token()` is the operator key the page holds (undefined before one is entered); `onChange` redraws the section. */
  constructor(
    private readonly token: () => string | undefined,
    private readonly onChange: () => void,
  ) {}

  select(car: number | undefined): void {
    this.car = car;
    this.data = undefined;
    this.error = undefined;
    this.lastMs = -Infinity;
  }

  /** Fetches again when due (call every frame). */
  poll(wallMs: number): void {
    if (this.car === undefined || this.inFlight || wallMs - this.lastMs < EVERY_MS) return;
    const token = this.token();
    if (!token) return;
    this.lastMs = wallMs;
    this.inFlight = true;
    const car = this.car;
    void loadJson<CarWhy>(() => fetch(`v1/operator/cars/${car}/why`, { headers: { authorization: `Bearer ${token}` } }))
      .then((got) => {
        if (car !== this.car) return;
        if (got.ok) {
          this.data = got.data;
          this.error = undefined;
        } else this.error = `could not load its plan (${got.why})`;
      })
      .finally(() => {
        this.inFlight = false;
        this.onChange();
      });
  }

  /** The plan's stops for the map's selection drawing. */
  stops(): { position: [number, number]; kind: 'pickup' | 'dropoff'; next: boolean }[] {
    return (this.data?.plan ?? []).map((s, i) => ({ position: [s.lon, s.lat], kind: s.action, next: i === 0 }));
  }

  /** The card's plan and reason sections (`[data-live-plan]`). */
  html(): string {
    if (this.error) return `<div class="note">${esc(this.error)}</div>`;
    const d = this.data;
    if (!d) return `<div class="note">${this.token() ? 'loading its plan…' : 'enter an operator API key to see its plan'}</div>`;
    const stops = d.plan.map((s, i) => `<li class="${i === 0 ? 'next' : ''}">${s.action === 'pickup' ? 'pick up' : 'drop off'} ride ${esc(s.rideId)}${i === 0 ? ' ← next' : ''}</li>`);
    return (
      `<h2 style="margin-top:10px">Plan</h2>` +
      (stops.length ? `<ol class="plan">${stops.join('')}</ol>` : '<div class="note plan-empty">no rides assigned</div>') +
      (stops.length ? reasonHtml(d.reason ?? undefined, 'no reason logged (serve runs with --no-explain?)') : '')
    );
  }
}
