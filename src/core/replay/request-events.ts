// The events naming each request of a live run, kept in memory for the operator's rider card (the replay reads them
// from its log file instead). A live service runs for days, so the book is bounded: every open request is kept, and of
// the finished ones (dropped off, cancelled, rejected) only the most recent `keepFinished`.
import type { SimEvent } from '../sim/events.js';

/** Default number of finished requests whose events stay available. */
export const KEEP_FINISHED_REQUESTS = 20_000;

const FINISHED = new Set<SimEvent['kind']>(['DroppedOff', 'RequestCancelled', 'RequestRejected']);

export class RequestEventBook {
  private readonly byRequest = new Map<number, SimEvent[]>();
  /** Finished requests, oldest first (a ring: `finishedHead` is the oldest slot in use). */
  private readonly finished: Int32Array;
  private finishedHead = 0;
  private finishedCount = 0;

  constructor(private readonly keepFinished = KEEP_FINISHED_REQUESTS) {
    if (!(Number.isInteger(keepFinished) && keepFinished > 0)) throw new RangeError(`keepFinished must be a positive integer, got ${keepFinished}`);
    this.finished = new Int32Array(keepFinished);
  }

  /** Files an event under the request it names (events naming none are ignored). */
  add(ev: SimEvent): void {
    if (!('request' in ev) || !Number.isInteger(ev.request) || ev.request < 0) return;
    let list = this.byRequest.get(ev.request);
    if (!list) this.byRequest.set(ev.request, (list = []));
    list.push(ev);
    if (FINISHED.has(ev.kind)) this.finish(ev.request);
  }

  /** The events naming `request`, oldest first; undefined when it is unknown or was forgotten. */
  events(request: number): readonly SimEvent[] | undefined {
    return this.byRequest.get(request);
  }

  /** Requests held (open and recently finished). */
  get size(): number {
    return this.byRequest.size;
  }

  private finish(request: number): void {
    const cap = this.finished.length;
    if (this.finishedCount === cap) {
      const oldest = this.finished[this.finishedHead];
      // A request can finish only once; a late event about a forgotten request starts a fresh list, which is dropped here.
      if (oldest !== request) this.byRequest.delete(oldest);
      this.finishedHead = (this.finishedHead + 1) % cap;
      this.finishedCount--;
    }
    this.finished[(this.finishedHead + this.finishedCount) % cap] = request;
    this.finishedCount++;
  }
}
