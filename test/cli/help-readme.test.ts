// `--help` and README agree: every option the README's code blocks give a command exists in that command's help, and
// every option of every command's help appears in the README (the option list under "Command line").
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { REPO, runCli } from './run-cli.js';

/** Every leaf command by its path ('' for the program itself, 'network build', …) with its help text. */
function commandsWithHelp(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (c: Command, path: string[]) => {
    if (path.length === 0 || c.commands.length === 0) out.set(path.join(' '), c.helpInformation());
    for (const sub of c.commands) walk(sub, [...path, sub.name()]);
  };
  walk(createProgram(), []);
  return out;
}

/** The long options a help text lists under "Options:". */
function helpOptions(help: string): Set<string> {
  const section = help.split(/^Options:$/m)[1]?.split(/^Commands:$/m)[0] ?? '';
  return new Set([...section.matchAll(/^ {2}(?:-\w, )?(--[a-z0-9-]+)/gm)].map((m) => m[1]));
}

/**
 * The long options the README's code blocks give each command: a line naming `baton <command>` starts a command (the
 * longest known path), indented lines continue it, anything else ends it; `&&`, `;` and `|` separate commands.
 */
function readmeOptions(readme: string, commands: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const blocks = [...readme.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  for (const block of blocks) {
    let current: string | undefined;
    for (const line of block.split('\n')) {
      const continues = /^\s/.test(line) && current !== undefined;
      if (!continues) current = undefined;
      for (const [i, part] of line.split(/&&|;|\|/).entries()) {
        const named = /\bbaton((?:\s+[a-z][a-z0-9-]*)*)/.exec(part);
        if (named) {
          const words = named[1].trim().split(/\s+/).filter(Boolean);
          current = [2, 1, 0].map((n) => words.slice(0, n).join(' ')).find((p) => commands.includes(p)) ?? '';
        } else if (i > 0) current = undefined;
        if (current === undefined) continue;
        const set = out.get(current) ?? new Set<string>();
        for (const m of part.replace(/#.*$/, '').matchAll(/(?<![\w-])(--[a-z0-9-]+)/g)) set.add(m[1]);
        out.set(current, set);
      }
    }
  }
  return out;
}

describe('--help and README', () => {
  const helps = commandsWithHelp();
  const commands = [...helps.keys()];
  const readme = readmeOptions(readFileSync(resolve(REPO, 'README.md'), 'utf8'), commands);
  const programOptions = helpOptions(helps.get('')!);

  it('finds every command and the README option list', () => {
    expect(commands).toEqual(expect.arrayContaining(['', 'simulate', 'compare', 'fleet-size', 'replay', 'network build', 'network info', 'route', 'calibrate', 'bench routing', 'serve', 'token create']));
    expect(readme.get('simulate')?.has('--scale-to-day')).toBe(true);
  });

  it('every option the README gives a command exists in its --help', () => {
    const unknown: string[] = [];
    for (const [command, options] of readme) {
      const known = new Set([...helpOptions(helps.get(command)!), ...programOptions, '--help']);
      for (const o of options) if (!known.has(o)) unknown.push(`baton ${command} ${o}`);
    }
    expect(unknown).toEqual([]);
  });

  it("every option in every command's --help is in the README", () => {
    const missing: string[] = [];
    for (const [command, help] of helps) {
      for (const o of helpOptions(help)) if (o !== '--help' && !readme.get(command)?.has(o)) missing.push(`baton ${command} ${o}`);
    }
    expect(missing).toEqual([]);
  });

  it('the help read here is what the CLI prints for --help', () => {
    const r = runCli(['fleet-size', '--help'], { env: { COLUMNS: '80' } });
    expect(r.status).toBe(0);
    expect([...helpOptions(r.stdout)]).toEqual([...helpOptions(helps.get('fleet-size')!)]);
  });
});
