// `baton serve` as a child process (the real CLI through tsx) on a fixed port, for end-to-end and crash tests: start,
// wait for its "listening" line, SIGKILL, start again on the same port and store.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO } from '../cli/run-cli.js';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** The `resumed`/`refused` counts of its listening line (open rides handed to the new engine). */
  resumed: number;
  /** Of those, rides whose riders were put back on board their car (`onboard` of the listening line). */
  onboard: number;
}

/** Starts `baton serve <args>` and resolves once it listens (rejects if it exits first or takes over `timeoutMs`). */
export async function startServeProcess(args: string[], timeoutMs = 120_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, 'src/cli/main.ts'), 'serve', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BATON_NO_PROGRESS: '1' },
  });
  let err = '';
  child.stderr!.on('data', (d) => void (err = (err + d).slice(-4000)));
  return new Promise<ServeProcess>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`serve did not listen within ${timeoutMs} ms: ${out.slice(-2000)} ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('baton serve: listening'));
      if (!line) return;
      clearTimeout(timer);
      const j = JSON.parse(line);
      out = '';
      res({ child, url: j.url, resumed: j.resumed ?? 0, onboard: j.onboard ?? 0 });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`serve exited (${code ?? signal}) before listening: ${out.slice(-2000)} ${err}`));
    });
  });
}

/** SIGKILL and wait for the exit. */
export async function killServe(p: ServeProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((res) => p.child.once('exit', () => res()));
  p.child.kill('SIGKILL');
  await exited;
}
