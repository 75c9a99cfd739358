/** The demonstration's own settings (DEMO_*), beside the service's configuration. */

export interface DemoOptions {
  /** Reports per minute across the city (citizens, grid workers, the hotline). */
  readonly reportsPerMinute: number;
  /** Stops by itself after this long; undefined: runs until Ctrl-C. */
  readonly durationSeconds: number | undefined;
  /** Multiplies every human delay (claiming, handling, verifying, giving feedback): 1 is the demo's own pace, 0.3 a hurried one. */
  readonly pace: number;
  /** Seconds an SLA hour lasts in the demonstrated service, so that breaches come within a minute. */
  readonly slaSecondsPerHour: number;
  /** How long the failing department's system stays down, from the start and again every `outageEverySeconds`. */
  readonly outageSeconds: number;
  readonly outageEverySeconds: number;
  /** Seed of the people's choices. */
  readonly seed: number;
}

export const DEMO_DEFAULTS: DemoOptions = Object.freeze({
  reportsPerMinute: 60,
  durationSeconds: undefined,
  pace: 1,
  slaSecondsPerHour: 2,
  outageSeconds: 30,
  outageEverySeconds: 180,
  seed: 20_261_203,
});

type Env = Readonly<Record<string, string | undefined>>;

export class DemoOptionError extends Error {}

export function loadDemoOptions(env: Env = process.env): DemoOptions {
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= min && value <= max)) throw new DemoOptionError(`${name}: expected a number ${min}..${max}, got ${JSON.stringify(raw)}`);
    return value;
  };
  const duration = env['DEMO_DURATION_SECONDS'];
  return Object.freeze({
    reportsPerMinute: number('DEMO_REPORTS_PER_MINUTE', DEMO_DEFAULTS.reportsPerMinute, 1, 6_000),
    durationSeconds: duration === undefined || duration === '' ? undefined : number('DEMO_DURATION_SECONDS', 0, 1, 7 * 24 * 3600),
    pace: number('DEMO_PACE', DEMO_DEFAULTS.pace, 0.01, 100),
    slaSecondsPerHour: number('DEMO_SLA_SECONDS_PER_HOUR', DEMO_DEFAULTS.slaSecondsPerHour, 0.01, 3600),
    outageSeconds: number('DEMO_OUTAGE_SECONDS', DEMO_DEFAULTS.outageSeconds, 0, 3600),
    outageEverySeconds: number('DEMO_OUTAGE_EVERY_SECONDS', DEMO_DEFAULTS.outageEverySeconds, 1, 24 * 3600),
    seed: number('DEMO_SEED', DEMO_DEFAULTS.seed, 0, 2 ** 31),
  });
}
