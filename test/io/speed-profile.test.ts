// The speed-factors JSON file: written and read back unchanged; every malformed file named in a clear error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpeedProfile, saveSpeedProfile } from '../../src/io/speed-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-speed-profile-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('speed-factors file', () => {
  it('round-trips factors and what they were fitted on', () => {
    const p = join(dir, 'ok.json');
    const hourlyFactors = Array.from({ length: 24 }, (_, h) => 1 + h / 10);
    saveSpeedProfile(p, { hourlyFactors }, { tripsFile: 't.csv', format: 'sf-cabspotting', dates: ['2008-05-18'], samples: 10 });
    expect(loadSpeedProfile(p)).toEqual({ hourlyFactors });
  });

  it('names the file and the problem', () => {
    expect(() => loadSpeedProfile(join(dir, 'missing.json'))).toThrow(/missing\.json: file not found/);
    expect(() => loadSpeedProfile(file('bad.json', '{"hourlyFactors": [1,'))).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadSpeedProfile(file('arr.json', '[1,2]'))).toThrow(/arr\.json: expected a JSON object/);
    expect(() => loadSpeedProfile(file('none.json', '{"factors": []}'))).toThrow(/none\.json: "hourlyFactors" is missing/);
    expect(() => loadSpeedProfile(file('short.json', '{"hourlyFactors": [1, 2]}'))).toThrow(/short\.json: speed profile: need 24 hourly factors, got 2/);
    const bad = new Array(24).fill(1.5);
    bad[7] = '1.5';
    expect(() => loadSpeedProfile(file('str.json', JSON.stringify({ hourlyFactors: bad })))).toThrow(/str\.json: "hourlyFactors"\[7\] is "1.5"/);
    bad[7] = -1;
    expect(() => loadSpeedProfile(file('neg.json', JSON.stringify({ hourlyFactors: bad })))).toThrow(/neg\.json: speed profile: factor for hour 7 is -1/);
  });
});
