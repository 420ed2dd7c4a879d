// The engine's timer queue: a binary min-heap over typed arrays keyed by (time, phase, sequence), allocation-free.

/** Phases order what happens within one second; lower runs first (see the step order in engine.ts). */
export const Phase = {
  dropoff: 0,
  pickup: 1,
  vehicle: 2,
  submit: 3,
  cancel: 4,
  dispatch: 5,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

const PHASES = 8;

/**
 * Min-heap of timers. Each entry holds an integer time, a phase, a kind code, a subject index (vehicle) and a tag
 * (the vehicle's plan version when scheduled, to drop stale timers). Ties on (time, phase) break by insertion order.
 */
export class TimerQueue {
  private key: Float64Array;
  private seq: Float64Array;
  private kindOf: Uint8Array;
  private subjectOf: Int32Array;
  private tagOf: Uint32Array;
  private n = 0;
  private nextSeq = 0;

  constructor(capacity = 64) {
    this.key = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kindOf = new Uint8Array(capacity);
    this.subjectOf = new Int32Array(capacity);
    this.tagOf = new Uint32Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  /** Composite key of (timeS, phase): exact for any time below 2^50 s. */
  static keyOf(timeS: number, phase: Phase): number {
    return timeS * PHASES + phase;
  }

  push(timeS: number, phase: Phase, kind: number, subject: number, tag: number): void {
    if (this.n === this.key.length) this.grow();
    let i = this.n++;
    const k = timeS * PHASES + phase;
    const s = this.nextSeq++;
    // Sift up, moving parents down into the hole.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key[p] < k || (this.key[p] === k && this.seq[p] < s)) break;
      this.move(p, i);
      i = p;
    }
    this.key[i] = k;
    this.seq[i] = s;
    this.kindOf[i] = kind;
    this.subjectOf[i] = subject;
    this.tagOf[i] = tag;
  }

  /** Key of the top entry (Infinity when empty). */
  peekKey(): number {
    return this.n > 0 ? this.key[0] : Infinity;
  }
  peekTimeS(): number {
    return this.n > 0 ? Math.floor(this.key[0] / PHASES) : Infinity;
  }
  peekPhase(): number {
    return this.key[0] % PHASES;
  }
  peekKind(): number {
    return this.kindOf[0];
  }
  peekSubject(): number {
    return this.subjectOf[0];
  }
  peekTag(): number {
    return this.tagOf[0];
  }

  /** Removes the top entry (read it with the peek methods first). */
  pop(): void {
    const last = --this.n;
    if (last === 0) return;
    const k = this.key[last];
    const s = this.seq[last];
    const kind = this.kindOf[last];
    const subj = this.subjectOf[last];
    const tag = this.tagOf[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (this.key[r] < this.key[c] || (this.key[r] === this.key[c] && this.seq[r] < this.seq[c]))) c = r;
      if (k < this.key[c] || (k === this.key[c] && s < this.seq[c])) break;
      this.move(c, i);
      i = c;
    }
    this.key[i] = k;
    this.seq[i] = s;
    this.kindOf[i] = kind;
    this.subjectOf[i] = subj;
    this.tagOf[i] = tag;
  }

  private move(from: number, to: number): void {
    this.key[to] = this.key[from];
    this.seq[to] = this.seq[from];
    this.kindOf[to] = this.kindOf[from];
    this.subjectOf[to] = this.subjectOf[from];
    this.tagOf[to] = this.tagOf[from];
  }

  private grow(): void {
    const cap = this.key.length * 2;
    const key = new Float64Array(cap);
    key.set(this.key);
    const seq = new Float64Array(cap);
    seq.set(this.seq);
    const kindOf = new Uint8Array(cap);
    kindOf.set(this.kindOf);
    const subjectOf = new Int32Array(cap);
    subjectOf.set(this.subjectOf);
    const tagOf = new Uint32Array(cap);
    tagOf.set(this.tagOf);
    this.key = key;
    this.seq = seq;
    this.kindOf = kindOf;
    this.subjectOf = subjectOf;
    this.tagOf = tagOf;
  }
}
