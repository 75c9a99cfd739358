/**
 * The notification settings (docs/configuration.md, "Notifications"), read
 * by config/config.ts; imports nothing, as the rest of config/.
 */

/** Signs feedback links in development; public, so production without NOTIFICATION_LINK_SECRET sends no links. */
export const DEVELOPMENT_LINK_SECRET = 'grid-dispatch-development-feedback-links-do-not-use';

export interface QuietHours {
  /** Minutes after local midnight the quiet hours start and end; start > end spans midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface NotificationSettings {
  /** The city's SMS / app-push gateway; undefined: SMS and PUSH deliveries are skipped. */
  readonly webhookUrl: string | undefined;
  /** HMAC-SHA256 key of the webhook's signature header. */
  readonly webhookSecret: string | undefined;
  /** smtp:// or smtps:// URL of the mail relay; undefined: EMAIL deliveries are skipped. */
  readonly smtpUrl: string | undefined;
  readonly emailFrom: string;
  /** Non-urgent deliveries wait until they end; undefined: none. */
  readonly quietHours: QuietHours | undefined;
  /** IANA time zone the quiet hours are in. */
  readonly timeZone: string;
  readonly pollMs: number;
  /** First retry's delay, doubled per failed attempt (capped at an hour). */
  readonly retryBaseMs: number;
  /** Attempts before a delivery is FAILED for good. */
  readonly maxAttempts: number;
  /** Signs feedback links; undefined: no links (production without a secret of its own). */
  readonly linkSecret: string | undefined;
  /** Where citizens open feedback links: the HTTP API's public origin. */
  readonly publicUrl: string;
  readonly feedbackLinkHours: number;
  /** Days a notification stays in its person's inbox (with its deliveries); 0 keeps them for ever. */
  readonly retentionDays: number;
}

export const NOTIFICATION_VARIABLES = [
  'NOTIFICATION_WEBHOOK_URL',
  'NOTIFICATION_WEBHOOK_SECRET',
  'NOTIFICATION_SMTP_URL',
  'NOTIFICATION_EMAIL_FROM',
  'NOTIFICATION_QUIET_HOURS',
  'NOTIFICATION_TIME_ZONE',
  'NOTIFICATION_POLL_MS',
  'NOTIFICATION_RETRY_BASE_MS',
  'NOTIFICATION_MAX_ATTEMPTS',
  'NOTIFICATION_LINK_SECRET',
  'NOTIFICATION_PUBLIC_URL',
  'NOTIFICATION_FEEDBACK_LINK_HOURS',
  'NOTIFICATION_RETENTION_DAYS',
] as const;

export const NOTIFICATION_DEFAULTS = Object.freeze({
  emailFrom: 'grid-dispatch@localhost',
  quietHours: '22:00-07:00',
  timeZone: 'Asia/Shanghai',
  pollMs: 1_000,
  retryBaseMs: 5_000,
  maxAttempts: 10,
  publicUrl: 'http://localhost:4000',
  feedbackLinkHours: 7 * 24,
  retentionDays: 180,
});

const MIN_SECRET_LENGTH = 32;

type Fail = (variable: string, problem: string) => never;

export function parseNotificationSettings(value: (name: string) => string | undefined, production: boolean, fail: Fail): NotificationSettings {
  const webhookUrl = httpUrl('NOTIFICATION_WEBHOOK_URL', value('NOTIFICATION_WEBHOOK_URL'), fail);
  const webhookSecret = secret('NOTIFICATION_WEBHOOK_SECRET', value('NOTIFICATION_WEBHOOK_SECRET'), fail);
  const smtpUrl = value('NOTIFICATION_SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl)) fail('NOTIFICATION_SMTP_URL', 'expected smtp://host:port or smtps://user:password@host:port (value not shown)');
  const emailFrom = value('NOTIFICATION_EMAIL_FROM') ?? NOTIFICATION_DEFAULTS.emailFrom;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(emailFrom)) fail('NOTIFICATION_EMAIL_FROM', `expected an address like dispatch@city.example, got ${JSON.stringify(emailFrom)}`);
  const quietHours = parseQuietHours(value('NOTIFICATION_QUIET_HOURS') ?? NOTIFICATION_DEFAULTS.quietHours, fail);
  const timeZone = value('NOTIFICATION_TIME_ZONE') ?? NOTIFICATION_DEFAULTS.timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    fail('NOTIFICATION_TIME_ZONE', `expected an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(timeZone)}`);
  }
  const pollMs = count('NOTIFICATION_POLL_MS', value('NOTIFICATION_POLL_MS'), NOTIFICATION_DEFAULTS.pollMs, 60_000, fail);
  const retryBaseMs = count('NOTIFICATION_RETRY_BASE_MS', value('NOTIFICATION_RETRY_BASE_MS'), NOTIFICATION_DEFAULTS.retryBaseMs, 3_600_000, fail);
  const maxAttempts = count('NOTIFICATION_MAX_ATTEMPTS', value('NOTIFICATION_MAX_ATTEMPTS'), NOTIFICATION_DEFAULTS.maxAttempts, 100, fail);
  const linkSecret = secret('NOTIFICATION_LINK_SECRET', value('NOTIFICATION_LINK_SECRET'), fail);
  const publicUrl = httpUrl('NOTIFICATION_PUBLIC_URL', value('NOTIFICATION_PUBLIC_URL'), fail) ?? NOTIFICATION_DEFAULTS.publicUrl;
  const feedbackLinkHours = count('NOTIFICATION_FEEDBACK_LINK_HOURS', value('NOTIFICATION_FEEDBACK_LINK_HOURS'), NOTIFICATION_DEFAULTS.feedbackLinkHours, 24 * 90, fail);
  const retentionDays =
    value('NOTIFICATION_RETENTION_DAYS') === '0' ? 0 : count('NOTIFICATION_RETENTION_DAYS', value('NOTIFICATION_RETENTION_DAYS'), NOTIFICATION_DEFAULTS.retentionDays, 36_500, fail);
  // A feedback link is answered through its notification's row: the row must outlive the link.
  if (retentionDays !== 0 && retentionDays * 24 <= feedbackLinkHours)
    fail('NOTIFICATION_RETENTION_DAYS', `${retentionDays} days is not longer than a feedback link is valid (NOTIFICATION_FEEDBACK_LINK_HOURS ${feedbackLinkHours}): a link would outlive its notification`);
  if (webhookUrl !== undefined && webhookSecret === undefined) fail('NOTIFICATION_WEBHOOK_SECRET', 'is required with NOTIFICATION_WEBHOOK_URL: the gateway checks every request against it');
  return Object.freeze({
    webhookUrl,
    webhookSecret,
    smtpUrl,
    emailFrom,
    quietHours,
    timeZone,
    pollMs,
    retryBaseMs,
    maxAttempts,
    linkSecret: linkSecret ?? (production ? undefined : DEVELOPMENT_LINK_SECRET),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    feedbackLinkHours,
    retentionDays,
  });
}

/** `HH:MM-HH:MM` in the city's time, or `off`. */
function parseQuietHours(raw: string, fail: Fail): QuietHours | undefined {
  if (raw === 'off') return undefined;
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (match === null) return fail('NOTIFICATION_QUIET_HOURS', `expected HH:MM-HH:MM (e.g. 22:00-07:00) or off, got ${JSON.stringify(raw)}`);
  const startMinute = Number(match[1]) * 60 + Number(match[2]);
  const endMinute = Number(match[3]) * 60 + Number(match[4]);
  if (startMinute === endMinute) return fail('NOTIFICATION_QUIET_HOURS', 'start and end are the same: use off for no quiet hours');
  return { startMinute, endMinute };
}

function httpUrl(name: string, raw: string | undefined, fail: Fail): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(name, 'expected an http:// or https:// URL (value not shown)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(name, `expected scheme http: or https:, got ${JSON.stringify(url.protocol)}`);
  return raw;
}

function secret(name: string, raw: string | undefined, fail: Fail): string | undefined {
  if (raw !== undefined && raw.length < MIN_SECRET_LENGTH) fail(name, `must be at least ${MIN_SECRET_LENGTH} characters (value not shown)`);
  return raw;
}

function count(name: string, raw: string | undefined, fallback: number, max: number, fail: Fail): number {
  if (raw === undefined) return fallback;
  const number = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(number >= 1 && number <= max)) fail(name, `expected a whole number 1..${max}, got ${JSON.stringify(raw)}`);
  return number;
}
