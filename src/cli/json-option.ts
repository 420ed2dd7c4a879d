// `--json [file]`, one meaning in every command: the command's result as JSON, into FILE when one is given (the text
// summary is still printed), or on stdout in place of the text when none is.
import { writeOutputFile } from '../io/output-file.js';

/** The option's flags and help, the same in every command. */
export const JSON_FLAGS = '--json [file]';
export const jsonHelp = (what: string): string => `${what} as JSON: into the file, or on stdout in place of the text when no file is given`;

/** The value commander gives `--json [file]`: a file, true (no file), or undefined (not given). */
export type JsonOption = string | boolean | undefined;

/** The file `--json` names, if any (for checking outputs before work). */
export function jsonFile(json: JsonOption): string | undefined {
  return typeof json === 'string' ? json : undefined;
}

/** True when `--json` was given without a file: the JSON goes to stdout and the text summary is left out. */
export function jsonOnStdout(json: JsonOption): boolean {
  return json === true;
}

/**
 * Writes a result as `--json` asks: pretty-printed into its file, or on stdout (compact unless `pretty`). Does nothing
 * when the option was not given.
 *
 * @example emitJson(o.json, kpis) // --json k.json → k.json; --json → stdout
 */
export function emitJson(json: JsonOption, value: unknown, o: { pretty?: boolean } = {}): void {
  if (typeof json === 'string') writeOutputFile(json, `${JSON.stringify(value, null, 2)}\n`, '--json');
  else if (json === true) process.stdout.write(`${o.pretty === false ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
}
