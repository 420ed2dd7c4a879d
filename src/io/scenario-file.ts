// Scenario files (`--scenario FILE`): every setting of the scenario commands from one JSON or YAML file, spelled like
// the settings schema's own fields (`maxWaitS`, `batteryKwh`, `cost.energyUsdPerKwh`), checked field by field by that
// schema, with paths resolved against the file's folder. Decision 0013; the fields are listed in docs/scenario-file.md.
import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join } from 'node:path';
import { COST_OPTIONS, COST_PARAMETER_KEYS, describeIssues, parseSetting, SETTING_KEYS, SETTING_OPTIONS, SettingsError, type OptionKey, type SettingKey } from './settings.js';
import { parse as parseYamlText } from 'yaml';

/** A scenario file as read: its path (as given) and its values, paths already resolved; defaults are not filled in. */
export interface ScenarioFile {
  file: string;
  values: Partial<Record<SettingKey, unknown>>;
}

/** Settings whose value is a file path (resolved against the scenario file's folder). */
const PATH_SETTINGS = ['trips', 'speedFactors', 'serviceArea', 'avoid', 'chargers', 'serviceCentres', 'assistAreas'] as const satisfies readonly SettingKey[];

/** Edit distance between two short strings (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

const normalise = (s: string): string => s.replace(/^-+/, '').replace(/[-_\s]/g, '').toLowerCase();

/**
 * The known field an unknown one most likely meant: the field whose command-line option it spells (`max-wait`,
 * `--battery` → maxWaitS, batteryKwh; `energyPrice` → energyUsdPerKwh with the cost options), else the closest field by edit distance (at most a third of its length).
 *
 * @example didYouMean('fleat', ['fleet', 'seats']) // 'fleet'
 */
export function didYouMean(unknown: string, known: readonly string[], options: Partial<Record<string, { flags: string }>> = SETTING_OPTIONS): string | undefined {
  const u = normalise(unknown);
  for (const key of known) {
    const option = options[key]?.flags.split(' ')[0];
    if (normalise(key) === u || (option !== undefined && (normalise(option) === u || normalise(option.replace(/^--no-/, '')) === u))) return key;
  }
  let best: string | undefined;
  let bestD = Infinity;
  for (const key of known) {
    const d = editDistance(u, normalise(key));
    if (d < bestD) [best, bestD] = [key, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

const unknownField = (file: string, path: string, name: string, known: readonly string[], options?: Partial<Record<string, { flags: string }>>): string => {
  const guess = didYouMean(name, known, options);
  return `${file}: unknown field ${path}${guess ? ` (did you mean ${path.replace(/[^.]+$/, guess)}?)` : ''}`;
};

/** YAML as data; a syntax error names the file, line and column. */
function parseYaml(file: string, text: string): unknown {
  try {
    return parseYamlText(text);
  } catch (err) {
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    const at = e.linePos?.[0] ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    throw new SettingsError(`${file}: not valid YAML${at}: ${e.message.split('\n')[0]}`);
  }
}

/** The file's text as data, by its extension. */
async function parseText(file: string, text: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return parseYaml(file, text);
  if (ext !== '.json') throw new SettingsError(`${file}: a scenario file must end in .json, .yaml or .yml`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
}

/** A relative path of the file resolved against its folder (as a path relative to the working folder when it was). */
const resolveFrom = (folder: string, p: string): string => (isAbsolute(p) ? p : join(folder, p));

/**
 * Checks a scenario file's values: unknown fields (with a guess), each field against the settings schema, then
 * resolves the paths in it. Throws SettingsError naming the file, each bad field's path and the value.
 *
 * @example
 * checkScenarioValues('s.json', { fleet: 'ten' }); // SettingsError: s.json: fleet: expected an integer in 1..10000000, got "ten"
 */
export function checkScenarioValues(file: string, data: unknown): ScenarioFile {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SettingsError(`${file}: expected an object of settings at the top level, got ${Array.isArray(data) ? 'a list' : JSON.stringify(data)}`);
  }
  // A single network input may be given as text rather than a list of one.
  const raw = data as Record<string, unknown>;
  const given = typeof raw.network === 'string' ? { ...raw, network: [raw.network] } : raw;
  const problems: string[] = [];
  for (const key of Object.keys(given)) if (!(SETTING_KEYS as string[]).includes(key)) problems.push(unknownField(file, key, key, SETTING_KEYS));
  const cost = given.cost;
  if (typeof cost === 'object' && cost !== null && !Array.isArray(cost)) {
    for (const key of Object.keys(cost)) if (!(COST_PARAMETER_KEYS as string[]).includes(key)) problems.push(unknownField(file, `cost.${key}`, key, COST_PARAMETER_KEYS, COST_OPTIONS));
  }
  for (const key of SETTING_KEYS) {
    if (given[key] === undefined || (key === 'cost' && problems.some((p) => p.includes('unknown field cost.')))) continue;
    const r = parseSetting(key, given[key]);
    if (!r.ok) problems.push(describeIssues(r.issues, given, () => file));
  }
  if (problems.length > 0) throw new SettingsError(problems.join('; '));

  const folder = dirname(file);
  const values: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) if (given[key] !== undefined) values[key] = given[key];
  for (const key of PATH_SETTINGS) {
    const v = values[key];
    if (typeof v === 'string' && !((key === 'chargers' || key === 'serviceCentres') && v === 'auto')) values[key] = resolveFrom(folder, v);
  }
  // Network inputs are files or folders, except the built-in synthetic city.
  const network = values.network;
  const resolveNetwork = (v: unknown): unknown => (typeof v === 'string' && !/^synthetic(:|$)/.test(v) ? resolveFrom(folder, v) : v);
  if (Array.isArray(network)) values.network = network.map(resolveNetwork);
  return { file, values };
}

/**
 * Reads a scenario file (.json, .yaml or .yml) and checks it (checkScenarioValues).
 *
 * @example
 * const { values } = await readScenarioFile('examples/sf-day.json');
 * values.trips; // '../shared/data/…' resolved against examples/
 */
export async function readScenarioFile(file: string): Promise<ScenarioFile> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SettingsError(`${file}: cannot read the scenario file (${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)})`);
  }
  return checkScenarioValues(file, await parseText(file, text));
}

/** Keys of a file's values that a command takes (the others may be there for other commands, and are ignored). */
export function valuesFor(file: ScenarioFile, keys: readonly (OptionKey | 'cost')[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (file.values[key] !== undefined) out[key] = file.values[key];
  return out;
}
