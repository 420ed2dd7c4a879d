// Progress for long work: a bar on an interactive terminal (stderr); elsewhere (logs, CI, pipes) one plain line every
// few seconds once the work has lasted that long, so a long run is never silent and a short one prints nothing.
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the bar to `value` of `total`, with optional named fields shown in the format. */
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/** Seconds between progress lines when stderr is not a terminal. */
export const PROGRESS_LINE_EVERY_S = 5;

/**
 * Plain progress lines (`label: 42 % (payload…)`) at most every `everyS` seconds, the first after `everyS` seconds of
 * work; `write` defaults to stderr. For streams that are not terminals, where a redrawn bar would be noise.
 */
export function progressLines(label: string, total: number, everyS = PROGRESS_LINE_EVERY_S, write: (line: string) => void = (line) => void process.stderr.write(line)): Progress {
  const startMs = performance.now();
  let lastMs = startMs;
  return {
    update(value, payload = {}) {
      const now = performance.now();
      if (now - lastMs < everyS * 1000) return;
      lastMs = now;
      const pct = total > 0 ? ` ${Math.min(100, (100 * value) / total).toFixed(0)} %` : ` ${value}`;
      const extra = Object.entries(payload).map(([k, v]) => `${k} ${v}`).join(', ');
      write(`${label}:${pct}${extra ? ` (${extra})` : ''}, ${((now - startMs) / 1000).toFixed(0)} s\n`);
    },
    stop: () => undefined,
  };
}

/**
 * A bar on stderr when it is a TTY, plain lines every few seconds when it is not (progressLines); nothing with
 * BATON_NO_PROGRESS set. `format` may use cli-progress tokens ({bar} {percentage} {value} {total} {eta_formatted})
 * and payload fields ({speed}).
 */
export function progressBar(
  label: string,
  total: number,
  format = '{bar} {percentage}% | {value}/{total} | ETA {eta_formatted}',
  initialPayload: Record<string, string | number> = {},
): Progress {
  if (process.env.BATON_NO_PROGRESS) return SILENT;
  if (!process.stderr.isTTY) return progressLines(label, total);
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(14)} ${format}`, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, initialPayload);
  let stopped = false;
  return {
    update: (value, payload) => bar.update(value, payload),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
