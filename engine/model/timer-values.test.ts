import { addDuration, parseCycle, parseDateTime, parseDuration } from './timer-values';

const at = Date.parse('2026-01-31T10:00:00Z');

describe('ISO 8601 timer values', () => {
  it('parses durations and adds them calendar-aware', () => {
    const duration = (text: string) => {
      const parsed = parseDuration(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.value;
    };
    expect(addDuration(at, duration('PT0.5S')) - at).toBe(500);
    expect(addDuration(at, duration('PT1H30M')) - at).toBe(90 * 60_000);
    expect(addDuration(at, duration('P2W')) - at).toBe(14 * 86_400_000);
    expect(new Date(addDuration(at, duration('P1M'))).toISOString()).toBe('2026-03-03T10:00:00.000Z');
    expect(new Date(addDuration(at, duration('P1Y2DT1S'))).toISOString()).toBe('2027-02-02T10:00:01.000Z');
    for (const bad of ['P', 'PT', '5M', 'PT-1S', 'P1H']) expect(parseDuration(bad).ok).toBe(false);
  });

  it('parses date-times with an offset, and a zone id after it', () => {
    expect(parseDateTime('2026-11-28T10:00:00Z')).toEqual({ ok: true, value: Date.parse('2026-11-28T10:00:00Z') });
    expect(parseDateTime('2026-11-28T18:00:00+08:00[Asia/Shanghai]')).toEqual({ ok: true, value: Date.parse('2026-11-28T10:00:00Z') });
    expect(parseDateTime('2026-11-28T10:00:00').ok).toBe(false);
    expect(parseDateTime('2026-13-45T10:00:00Z').ok).toBe(false);
  });

  it('parses repeating intervals', () => {
    expect(parseCycle('R/PT1M')).toMatchObject({ ok: true, value: { repetitions: undefined, start: undefined } });
    expect(parseCycle('R3/PT10S')).toMatchObject({ ok: true, value: { repetitions: 3 } });
    expect(parseCycle('R2/2026-11-28T10:00:00Z/PT1H')).toMatchObject({ ok: true, value: { repetitions: 2, start: Date.parse('2026-11-28T10:00:00Z') } });
    expect(parseCycle('PT1M').ok).toBe(false);
    expect(parseCycle('R/PT0S').ok).toBe(false);
  });
});
