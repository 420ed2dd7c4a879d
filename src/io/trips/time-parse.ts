// Parses the timestamps found in trip files: ISO-8601 with an offset, epoch seconds, and zone-less local times
// converted with Intl's time-zone database.

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const LOCAL_NO_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const EPOCH = /^-?\d+(?:\.\d+)?$/;

/** Calendar fields → seconds since the epoch as if they were UTC; NaN when a field is out of range (e.g. 02-30). */
function fieldsToUtcS(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Reject dates that roll over (Date.UTC accepts 2009-02-30 as 2009-03-02).
  if (new Date(ms).getUTCDate() !== d) return NaN;
  return ms / 1000;
}

/** "+05:30", "-0700", "-07", "Z" → seconds east of UTC; NaN if malformed. */
export function parseOffsetS(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return NaN;
  const hh = Number(m[2]);
  const mm = m[3] === undefined ? 0 : Number(m[3]);
  if (hh > 18 || mm > 59) return NaN;
  return (m[1] === '-' ? -1 : 1) * (hh * 3600 + mm * 60);
}

/** The UTC offset written at the end of an ISO-8601 timestamp ("2008-05-18T00:00:10-07:00" → -25200), or NaN. */
export function offsetOfIso(text: string): number {
  return parseIsoWithOffset(text).utcOffsetS;
}

/**
 * Parses an ISO-8601 timestamp that carries an offset ("2017-03-15T09:00:06-05:00", "…Z"). Fractional seconds are
 * truncated. Returns NaN values when the text is not such a timestamp (a zone-less time is ambiguous, so it fails).
 */
export function parseIsoWithOffset(text: string): { epochS: number; utcOffsetS: number } {
  const m = ISO_WITH_OFFSET.exec(text.trim());
  if (!m) return { epochS: NaN, utcOffsetS: NaN };
  const utcOffsetS = parseOffsetS(m[7]);
  const asUtc = fieldsToUtcS(+m[1], +m[2], +m[3], +m[4], +m[5], m[6] === undefined ? 0 : +m[6]);
  return { epochS: asUtc - utcOffsetS, utcOffsetS };
}

/** Epoch seconds a trip file may hold: years 1900–2199 (anything else is a corrupt value, and beyond ±8.64e12 s
 *  not even a JavaScript date). */
const EPOCH_MIN_S = -2_208_988_800;
const EPOCH_MAX_S = 7_258_118_400;

/** Epoch seconds written as a plain number ("1211094010") in years 1900–2199; NaN otherwise. Fractions are truncated. */
export function parseEpochS(text: string): number {
  const t = text.trim();
  if (!EPOCH.test(t)) return NaN;
  const s = Math.trunc(Number(t));
  return s >= EPOCH_MIN_S && s < EPOCH_MAX_S ? s : NaN;
}

/**
 * UTC offsets of one IANA time zone, from Intl (full ICU ships with Node ≥ 13). Offsets are cached per quarter hour,
 * which is finer than any real zone transition, so a file of millions of rows costs a few thousand Intl calls.
 */
export class ZoneOffsets {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();
  constructor(readonly timeZone: string) {
    try {
      this.fmt = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Error(`unknown time zone "${timeZone}" (expected an IANA name such as America/New_York)`);
    }
  }

  /** Offset east of UTC, seconds, in force at `epochS`. */
  offsetAt(epochS: number): number {
    const key = Math.floor(epochS / 900);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const at = key * 900;
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(at * 1000))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
    const offset = wall - at;
    this.cache.set(key, offset);
    return offset;
  }

  /**
   * Local wall-clock fields → epoch seconds and the offset in force. NOTE: in the repeated hour when clocks go back,
   * the earlier (daylight) instant is chosen; a time inside the skipped hour in spring maps to the instant one hour on.
   */
  localToEpoch(asUtcS: number): { epochS: number; utcOffsetS: number } {
    const o1 = this.offsetAt(asUtcS);
    let epochS = asUtcS - o1;
    let o2 = this.offsetAt(epochS);
    if (o2 !== o1) {
      // Near a transition: try the other offset, keep whichever reproduces the wall time (the larger offset first).
      const hi = Math.max(o1, o2);
      const lo = Math.min(o1, o2);
      if (this.offsetAt(asUtcS - hi) === hi) o2 = hi;
      else if (this.offsetAt(asUtcS - lo) === lo) o2 = lo;
      else o2 = lo; // inside the spring gap: interpret with the standard (pre-jump) offset → one hour later
      epochS = asUtcS - o2;
    }
    return { epochS, utcOffsetS: this.offsetAt(epochS) };
  }
}

/**
 * Parses a zone-less local timestamp ("2013-01-01 00:00:00", "2009-01-04T02:52") in the given zone; NaN values
 * when malformed.
 */
export function parseLocalTime(text: string, zone: ZoneOffsets): { epochS: number; utcOffsetS: number } {
  const m = LOCAL_NO_OFFSET.exec(text.trim());
  if (!m) return { epochS: NaN, utcOffsetS: NaN };
  const asUtc = fieldsToUtcS(+m[1], +m[2], +m[3], +m[4], +m[5], m[6] === undefined ? 0 : +m[6]);
  if (Number.isNaN(asUtc)) return { epochS: NaN, utcOffsetS: NaN };
  return zone.localToEpoch(asUtc);
}

/**
 * A request time as Baton's own CSV writes it: ISO-8601 with an offset, or epoch seconds (local offset then taken
 * from `zone`).
 */
export function parseIsoOrEpoch(text: string, zone: ZoneOffsets): { epochS: number; utcOffsetS: number } {
  const epoch = parseEpochS(text);
  if (!Number.isNaN(epoch)) return { epochS: epoch, utcOffsetS: zone.offsetAt(epoch) };
  return parseIsoWithOffset(text);
}
