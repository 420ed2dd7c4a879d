// Writes the event log as NDJSON while the simulation runs, in large synchronous chunks (deterministic bytes, no
// backpressure juggling, nothing lost if the run later fails: what was written is flushed on close).
import { closeSync, openSync, writeSync } from 'node:fs';
import { eventToJson, type SimEvent } from '../core/sim/events.js';
import { asOutputError } from './output-file.js';

const FLUSH_BYTES = 1 << 20;

export interface EventLogWriter {
  write(ev: SimEvent): void;
  close(): void;
  readonly events: number;
}

/**
 * Opens `file` for writing (truncating it) and returns a sink that appends one JSON line per event. A failure to open
 * or write (disk full, say) is an OutputFileError naming the file and `option`.
 */
export function openEventLog(file: string, option = '--events'): EventLogWriter {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw asOutputError(file, err, option);
  }
  let buf: string[] = [];
  let bytes = 0;
  let count = 0;
  // After a failed write the file is closed and every later call is a no-op: the first error is the one reported.
  let failed = false;
  const flush = () => {
    if (failed || buf.length === 0) return;
    try {
      writeSync(fd, buf.join(''));
    } catch (err) {
      failed = true;
      try {
        closeSync(fd);
      } catch {
        // Already failing: the write error is the one to report.
      }
      throw asOutputError(file, err, option);
    }
    buf = [];
    bytes = 0;
  };
  return {
    write(ev) {
      if (failed) return;
      const line = `${eventToJson(ev)}\n`;
      buf.push(line);
      bytes += line.length;
      count++;
      if (bytes >= FLUSH_BYTES) flush();
    },
    close() {
      if (failed) return;
      flush();
      failed = true;
      try {
        closeSync(fd);
      } catch (err) {
        throw asOutputError(file, err, option);
      }
    },
    get events() {
      return count;
    },
  };
}
