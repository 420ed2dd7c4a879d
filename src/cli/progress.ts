// Progress bars for long work: drawn on an interactive terminal (stderr), silent otherwise so logs and CI stay clean.
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the bar to `value` of `total`, with optional named fields shown in the format. */
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/**
 * A bar on stderr when it is a TTY (and BATON_NO_PROGRESS is unset), nothing otherwise. `format` may use cli-progress
 * tokens ({bar} {percentage} {value} {total} {eta_formatted}) and payload fields ({speed}).
 */
export function progressBar(
  label: string,
  total: number,
  format = '{bar} {percentage}% | {value}/{total} | ETA {eta_formatted}',
  initialPayload: Record<string, string | number> = {},
): Progress {
  if (!process.stderr.isTTY || process.env.BATON_NO_PROGRESS) return SILENT;
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
