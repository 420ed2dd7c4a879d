// Calibration fit: known hourly factors come back exactly, outliers are screened and counted, sparse hours borrow.
import { describe, expect, it } from 'vitest';
import { fitSpeedProfile, freeFlowPairTimesS, ratioTable, type CalibrationSample } from '../../src/core/network/calibration.js';
import { FREE_FLOW } from '../../src/core/network/travel-times.js';

/** A known profile: 1.2 at night rising to 2.0 at 08:00 and 17:00. */
const TRUE_FACTORS = Array.from({ length: 24 }, (_, h) => 1.2 + 0.8 * Math.max(Math.exp(-((h - 8) ** 2) / 4), Math.exp(-((h - 17) ** 2) / 4)));

/** n samples per hour whose ratios are f × (1 ± spread): symmetric around f, so the median is exactly f. */
function samplesFor(factors: readonly number[], perHour: number, spread = 0.2): CalibrationSample[] {
  const out: CalibrationSample[] = [];
  for (let h = 0; h < 24; h++) {
    for (let i = 0; i < perHour; i++) {
      const modelledS = 120 + 37 * i;
      // Odd perHour: one sample at exactly f, the others in ± pairs.
      const k = i === 0 ? 0 : (i % 2 === 1 ? 1 : -1) * Math.ceil(i / 2);
      const ratio = factors[h] * (1 + (spread * k) / perHour);
      out.push({ hour: h, modelledS, observedS: ratio * modelledS });
    }
  }
  return out;
}

describe('fitSpeedProfile', () => {
  it('recovers known hourly factors exactly; after the fit every hour has median ratio 1', () => {
    const samples = samplesFor(TRUE_FACTORS, 41);
    const fit = fitSpeedProfile(samples);
    fit.profile.hourlyFactors.forEach((f, h) => expect(f).toBeCloseTo(TRUE_FACTORS[h], 12));
    for (const h of fit.hours) {
      expect(h.source).toBe('hour');
      expect(h.samples).toBe(41);
      expect(h.ratioBefore).toBeCloseTo(TRUE_FACTORS[h.hour], 12);
      expect(h.ratioAfter).toBeCloseTo(1, 12);
    }
    expect(fit.screening).toEqual({ total: 24 * 41, usable: 24 * 41, invalid: 0, shortModelled: 0, ratioOutOfRange: 0 });
    expect(fit.allDay.ratioAfter).toBeCloseTo(1, 12);
  });

  it('ignores GPS outliers, too-short trips and unroutable pairs, and counts each', () => {
    const clean = samplesFor(TRUE_FACTORS, 31);
    const noisy: CalibrationSample[] = [...clean];
    for (let h = 0; h < 24; h++) {
      // Outliers all on one side: they would drag a mean far off, and the median too if they were kept.
      for (let i = 0; i < 10; i++) noisy.push({ hour: h, modelledS: 300, observedS: 300 * 9 }); // ratio 9 > 5
      noisy.push({ hour: h, modelledS: 400, observedS: 400 * 0.3 }); // ratio 0.3 < 0.5
      noisy.push({ hour: h, modelledS: 45, observedS: 400 }); // free flow under a minute
      noisy.push({ hour: h, modelledS: Infinity, observedS: 400 }); // no route
      noisy.push({ hour: h, modelledS: 300, observedS: 0 }); // no duration
    }
    const fit = fitSpeedProfile(noisy);
    fit.profile.hourlyFactors.forEach((f, h) => expect(f).toBeCloseTo(TRUE_FACTORS[h], 12));
    expect(fit.screening).toEqual({ total: noisy.length, usable: clean.length, invalid: 48, shortModelled: 24, ratioOutOfRange: 24 * 11 });
  });

  it('sparse hours pool their neighbours, and fall back to the all-day median when the window stays too thin', () => {
    const flat = new Array(24).fill(1.5);
    flat[3] = 1.1;
    flat[4] = 1.1;
    let samples = samplesFor(flat, 31);
    // 03:00 keeps 5 samples, 04:00 keeps 30: 03:00 pools 02–04 (31 + 5 + 30 ≥ 30).
    samples = samples.filter((s) => !(s.hour === 3 && s.modelledS > 120 + 37 * 4)).filter((s) => !(s.hour === 4 && s.modelledS === 120));
    // 12:00–16:00 have nothing: 14:00 finds nothing within ±2 h and takes the all-day median.
    samples = samples.filter((s) => s.hour < 12 || s.hour > 16);
    const fit = fitSpeedProfile(samples, { minSamplesPerHour: 30, maxBorrowHours: 2 });
    const h3 = fit.hours[3];
    expect(h3.samples).toBe(5);
    expect(h3.source).toBe('neighbours');
    expect(h3.pooledHours).toEqual([2, 3, 4]);
    expect(h3.factorSamples).toBe(31 + 5 + 30);
    expect(fit.hours[4].source).toBe('hour');
    expect(fit.hours[4].factor).toBeCloseTo(1.1, 12);
    // 12:00 and 16:00 reach a sampled hour at ±1; 13:00 and 15:00 at ±2; 14:00 reaches none.
    expect(fit.hours[12]).toMatchObject({ source: 'neighbours', pooledHours: [11, 12, 13], factorSamples: 31 });
    expect(fit.hours[12].factor).toBeCloseTo(1.5, 12);
    expect(fit.hours[13].pooledHours).toEqual([11, 12, 13, 14, 15]);
    expect(fit.hours[14]).toMatchObject({ source: 'all-day', pooledHours: [], samples: 0, ratioBefore: null, ratioAfter: null });
    expect(fit.hours[14].factor).toBeCloseTo(1.5, 1); // most of the day is 1.5
    // Wrapping past midnight: a thin 00:00 pools 23:00 and 01:00.
    const wrap = fitSpeedProfile(samplesFor(flat, 31).filter((s) => !(s.hour === 0 && s.modelledS > 200)));
    expect(wrap.hours[0].pooledHours).toEqual([23, 0, 1]);
  });

  it('rounds factors when asked, and judges "after" with the rounded ones', () => {
    const fit = fitSpeedProfile(samplesFor(new Array(24).fill(1.23456), 11), { minSamplesPerHour: 5, decimals: 3 });
    expect(fit.profile.hourlyFactors[7]).toBe(1.235);
    expect(fit.hours[7].ratioAfter).toBeCloseTo(1.23456 / 1.235, 12);
  });

  it('refuses inputs it cannot fit, saying why', () => {
    expect(() => fitSpeedProfile([])).toThrow(/no usable sample among 0/);
    expect(() => fitSpeedProfile([{ hour: 8, modelledS: 30, observedS: 60 }])).toThrow(/1 with free-flow time < 60 s/);
    expect(() => fitSpeedProfile([{ hour: 24, modelledS: 300, observedS: 600 }])).toThrow(/hour 24 is not an integer 0–23/);
    expect(() => fitSpeedProfile(samplesFor(TRUE_FACTORS, 3), { minRatio: 2, maxRatio: 1 })).toThrow(/minRatio < maxRatio/);
  });
});

describe('ratioTable', () => {
  it('scores any profile on the same screened samples: free flow gives the raw ratios, the true profile gives 1', () => {
    const samples = samplesFor(TRUE_FACTORS, 21);
    samples.push({ hour: 5, modelledS: 300, observedS: 3000 }); // screened out under every profile
    const before = ratioTable(samples, FREE_FLOW);
    const after = ratioTable(samples, { hourlyFactors: TRUE_FACTORS });
    expect(before.screening.ratioOutOfRange).toBe(1);
    expect(after.screening).toEqual(before.screening);
    before.hours.forEach((h) => expect(h.medianRatio).toBeCloseTo(TRUE_FACTORS[h.hour], 12));
    after.hours.forEach((h) => expect(h.medianRatio).toBeCloseTo(1, 12));
    expect(after.allDay).toEqual({ samples: 24 * 21, medianRatio: expect.closeTo(1, 12) });
    // An hour without samples reads null, not NaN (JSON-safe).
    expect(ratioTable(samples.filter((s) => s.hour !== 9), FREE_FLOW).hours[9]).toEqual({ hour: 9, samples: 0, medianRatio: null });
  });
});

describe('freeFlowPairTimesS', () => {
  it('converts ms to s, keeps Infinity for no route, and queries a repeated pair once', () => {
    const calls: string[] = [];
    const tt = {
      timeMs(from: number, to: number) {
        calls.push(`${from}>${to}`);
        return from === 9 ? Infinity : (from * 10 + to) * 1000;
      },
    };
    const s = freeFlowPairTimesS(tt, [1, 2, 1, 9], [2, 1, 2, 1]);
    expect([...s]).toEqual([12, 21, 12, Infinity]);
    expect(calls).toEqual(['1>2', '2>1', '9>1']);
    expect(() => freeFlowPairTimesS(tt, [1], [])).toThrow(/1 origins but 0 destinations/);
  });
});
