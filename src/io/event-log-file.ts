// Writes the event log as NDJSON while the simulation runs, in large synchronous chunks (deterministic bytes, no
// backpressure juggling, nothing lost if the run later fails: what was written is flushed on close).
import { closeSync, openSync, writeSync } from 'node:fs';
import { eventToJson, type SimEvent } from '../core/sim/events.js';

const FLUSH_BYTES = 1 << 20;

export interface EventLogWriter {
  write(ev: SimEvent): void;
  close(): void;
  readonly events: number;
}

/** Opens `file` for writing (truncating it) and returns a sink that appends one JSON line per event. */
export function openEventLog(file: string): EventLogWriter {
  const fd = openSync(file, 'w');
  let buf: string[] = [];
  let bytes = 0;
  let count = 0;
  const flush = () => {
    if (buf.length === 0) return;
    writeSync(fd, buf.join(''));
    buf = [];
    bytes = 0;
  };
  return {
    write(ev) {
      const line = `${eventToJson(ev)}\n`;
      buf.push(line);
      bytes += line.length;
      count++;
      if (bytes >= FLUSH_BYTES) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
    get events() {
      return count;
    },
  };
}
