// The live rider card's memory: every open request's events are kept; of the finished ones only the most recent.
import { describe, expect, it } from 'vitest';
import { RequestEventBook } from '../../src/core/replay/request-events.js';
import type { SimEvent } from '../../src/core/sim/events.js';

const submitted = (request: number, timeS: number): SimEvent => ({ kind: 'RequestSubmitted', timeS, request, id: `r${request}`, pickupNode: 1, dropoffNode: 2, riders: 1, acceptsSharing: true });
const assigned = (request: number, timeS: number): SimEvent => ({ kind: 'RequestAssigned', timeS, request, vehicle: 3, previousVehicle: -1 });
const cancelled = (request: number, timeS: number): SimEvent => ({ kind: 'RequestCancelled', timeS, request, vehicle: -1, reason: 'max_wait' });

describe('RequestEventBook', () => {
  it("files events under the request they name, in order, and ignores events naming none", () => {
    const book = new RequestEventBook(4);
    book.add(submitted(5, 10));
    book.add({ kind: 'VehicleIdle', timeS: 11, vehicle: 0, node: 3 });
    book.add(assigned(5, 12));
    book.add(submitted(6, 13));
    expect(book.events(5)!.map((e) => e.kind)).toEqual(['RequestSubmitted', 'RequestAssigned']);
    expect(book.events(6)!.map((e) => e.timeS)).toEqual([13]);
    expect(book.events(7)).toBeUndefined();
    expect(book.size).toBe(2);
  });

  it('keeps every open request, and forgets the oldest finished ones beyond its bound', () => {
    const book = new RequestEventBook(3);
    // Request 0 stays open throughout; 1..10 finish in order.
    book.add(submitted(0, 0));
    for (let r = 1; r <= 10; r++) {
      book.add(submitted(r, r));
      book.add(cancelled(r, r + 100));
    }
    expect(book.events(0)).toBeDefined();
    for (let r = 1; r <= 7; r++) expect(book.events(r), `request ${r}`).toBeUndefined();
    for (let r = 8; r <= 10; r++) expect(book.events(r)!.map((e) => e.kind)).toEqual(['RequestSubmitted', 'RequestCancelled']);
    expect(book.size).toBe(4);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new RequestEventBook(0)).toThrow(/positive integer/);
    expect(() => new RequestEventBook(1.5)).toThrow(/positive integer/);
  });
});
