// Finds a format's columns in a CSV header by name (trimmed, case-insensitive, with aliases across file versions).
import { InputFileError } from '../file-input.js';

/** Logical column → accepted header names (lower case). The first alias present in the header wins. */
export type ColumnSpec = Record<string, readonly string[]>;

/** Column positions: -1 for an optional column the file lacks. */
export type ColumnIndex<R extends ColumnSpec, O extends ColumnSpec> = { [K in keyof R]: number } & { [K in keyof O]: number };

/**
 * Resolves every required and optional column of a format in `header`. Throws one error naming the file and every
 * missing required column (with the names it accepts) when any is absent.
 *
 * @example
 * resolveColumns(['Trip_Pickup_DateTime'], { pickupTime: ['trip_pickup_datetime', 'pickup_datetime'] }, {}, 'a.csv', 'nyc-tlc')
 * // → { pickupTime: 0 }
 */
export function resolveColumns<R extends ColumnSpec, O extends ColumnSpec>(
  header: readonly string[],
  required: R,
  optional: O,
  path: string,
  format: string,
): ColumnIndex<R, O> {
  const position = new Map<string, number>();
  header.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (!position.has(key)) position.set(key, i);
  });
  const find = (aliases: readonly string[]) => {
    for (const a of aliases) {
      const i = position.get(a);
      if (i !== undefined) return i;
    }
    return -1;
  };
  const out: Record<string, number> = {};
  const missing: string[] = [];
  for (const [name, aliases] of Object.entries(required)) {
    out[name] = find(aliases);
    if (out[name] < 0) missing.push(aliases.length === 1 ? aliases[0] : `${aliases[0]} (or ${aliases.slice(1).join(', ')})`);
  }
  for (const [name, aliases] of Object.entries(optional)) out[name] = find(aliases);
  if (missing.length > 0) {
    // The header of a binary or mangled file can be anything: show only its start, printable.
    const shown = header.join(',').slice(0, 200).replace(/[^\x20-\x7e\u00a0-\u024f]/g, '.');
    throw new InputFileError(path, `lacks required column${missing.length > 1 ? 's' : ''} for format "${format}": ${missing.join('; ')} (header: ${shown})`);
  }
  return out as ColumnIndex<R, O>;
}

/** A plain decimal number as trip files write one: `-122.4194`, `37`, `1.5e1`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A numeric CSV field; NaN for empty or non-decimal text (unlike Number(), which reads '' as 0, '0x1F' as 31 and
 * 'Infinity' as infinite).
 */
export function num(text: string | undefined): number {
  if (text === undefined) return NaN;
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}
