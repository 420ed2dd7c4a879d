// Facts about the machine and a writer for bench/results, so every benchmark records where and when it ran.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dispatcher } from '../src/core/dispatch/types.js';

export function machine(): Record<string, unknown> {
  return { cpu: cpus()[0]?.model, cores: cpus().length, memGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, nodeFlags: nodeFlags() };
}

/** Options that load code (tsx's hooks, an -e script), left out of nodeFlags with their arguments: they change no figure. */
const LOADING_OPTIONS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--eval', '-e']);

/** node's own options for this process (heap sizes, V8 flags: they change the figures), without the loading ones. */
function nodeFlags(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const name = args[i].split('=')[0];
    if (!LOADING_OPTIONS.has(name)) out.push(args[i]);
    else if (!args[i].includes('=')) i++;
  }
  return out;
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU time of this process so far (user + system, every thread), seconds. */
export function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Peak resident set size of this process so far, MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Writes `bench/results/<name>-<date>.json` and returns its path. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  const file = join(dir, `${name}-${day}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...result }, null, 2)}\n`);
  return file;
}

/** `inner` with the wall time of each decision pushed onto `decideMs` (milliseconds). */
export function timedDispatcher(inner: Dispatcher, decideMs: number[]): Dispatcher {
  return {
    ...inner,
    decide(s, nowS) {
      const t0 = performance.now();
      const commands = inner.decide(s, nowS);
      decideMs.push(performance.now() - t0);
      return commands;
    },
  };
}
