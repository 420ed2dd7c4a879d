// Keeps src/core pure: no Node built-ins, file system, network, databases or clocks may be imported there.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forbiddenImports } from './purity.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('src/core purity', () => {
  it('flags forbidden imports (the rule itself works)', () => {
    expect(forbiddenImports(`import { readFileSync } from 'node:fs';`)).toEqual(['node:fs']);
    expect(forbiddenImports(`import fs from "fs";\nconst x = await import('pg');`)).toEqual(['fs', 'pg']);
    expect(forbiddenImports(`export * from 'better-sqlite3';\nimport '../io/osm.js';`)).toEqual(['better-sqlite3', '../io/osm.js']);
    expect(forbiddenImports(`const t = Date.now(); Math.random();`)).toEqual(['Date.now()', 'Math.random()']);
    expect(forbiddenImports(`import FlatQueue from 'flatqueue';\nimport { Rng } from '../random.js';`)).toEqual([]);
  });

  it('no file in src/core imports I/O, Node built-ins, layers above it, or reads the clock', () => {
    const root = join(import.meta.dirname, '../../src/core');
    const offenders = filesUnder(root)
      .map((f) => ({ file: relative(root, f), bad: forbiddenImports(readFileSync(f, 'utf8')) }))
      .filter((x) => x.bad.length > 0);
    expect(offenders).toEqual([]);
  });
});
