// The command line's error text: a user's mistake is its message alone; a bug says how to get the stack trace.
import { describe, expect, it } from 'vitest';
import { failureText } from '../../src/cli/failure.js';
import { UsageError } from '../../src/cli/args.js';
import { InputFileError } from '../../src/io/file-input.js';
import { SettingsError } from '../../src/io/settings.js';

describe('failureText', () => {
  it('prints a user error as its message alone: no stack trace, no debug variable', () => {
    for (const err of [new UsageError('--fleet must be a whole number ≥ 1, got "x"'), new InputFileError('trips.csv', 'no such file'), new SettingsError('s.json: fleet: expected an integer')]) {
      const text = failureText(err, false);
      expect(text).toBe(`baton: ${err.message}\n`);
      expect(text).not.toMatch(/DEBUG|--debug|\bat /);
    }
  });

  it('marks an unexpected error as one and says how to get its stack trace', () => {
    const text = failureText(new TypeError("Cannot read properties of undefined (reading 'x')"), false);
    expect(text).toBe("baton: Cannot read properties of undefined (reading 'x')\n(an unexpected error: run again with --debug or BATON_DEBUG=1 for the stack trace, and report it)\n");
    expect(failureText('a thrown string', false)).toContain('baton: a thrown string\n(an unexpected error');
  });

  it('with --debug prints the stack trace of any error, a user error too', () => {
    const bug = new RangeError('boom');
    expect(failureText(bug, true)).toBe(`baton: boom\n${bug.stack}\n`);
    const mistake = new UsageError('bad option');
    expect(failureText(mistake, true)).toBe(`baton: bad option\n${mistake.stack}\n`);
  });
});
