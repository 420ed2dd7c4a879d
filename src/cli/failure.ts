// How the command line reports an error to people: a user's mistake (bad option, file or setting) as its message
// alone; anything else as a bug, with how to get the stack trace. Kept apart from main.ts so it can be tested.
import { UsageError } from './args.js';
import { InputFileError } from '../io/file-input.js';
import { OutputFileError } from '../io/output-file.js';
import { SettingsError } from '../io/settings.js';

/** An error the user can act on (a bad option, file or setting): its message alone, no stack trace. */
export function isUserError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof InputFileError || err instanceof OutputFileError || err instanceof SettingsError;
}

/**
 * The text printed on stderr for an error that ends the command: `baton: message`, then the stack trace with
 * `debug`, else for an unexpected error (not a user's mistake) the hint to run again with --debug.
 *
 * @example failureText(new UsageError('--fleet must be ≥ 1'), false) // 'baton: --fleet must be ≥ 1\n'
 */
export function failureText(err: unknown, debug: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  let text = `baton: ${message}\n`;
  if (debug) text += `${err instanceof Error ? err.stack : String(err)}\n`;
  else if (!isUserError(err)) text += '(an unexpected error: run again with --debug or BATON_DEBUG=1 for the stack trace, and report it)\n';
  return text;
}
