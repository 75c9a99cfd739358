import type { PersonRole } from '../orm/entities/vocabulary';
import type { DeliveryChannelName } from './vocabulary';

/** The channels a person has before they choose (as public.notify_person applies them). */
export function defaultChannels(role: PersonRole): DeliveryChannelName[] {
  return role === 'citizen' ? ['SMS'] : ['EMAIL'];
}

export const PreferenceProblem = {
  EMAIL_FOR_STAFF: 'e-mail is for staff: citizens are told in the app, by SMS or by push',
  EMAIL_ADDRESS_MISSING: 'EMAIL needs an e-mail address',
  EMAIL_ADDRESS_INVALID: 'not an e-mail address',
} as const;

/** Why these preferences cannot be kept, and for which field; undefined when they can. */
export function preferenceProblem(role: PersonRole, channels: readonly DeliveryChannelName[], email: string | null): { field: string; message: string } | undefined {
  if (email !== null && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) return { field: 'email', message: PreferenceProblem.EMAIL_ADDRESS_INVALID };
  if (!channels.includes('EMAIL')) return undefined;
  if (role === 'citizen') return { field: 'channels', message: PreferenceProblem.EMAIL_FOR_STAFF };
  if (email === null) return { field: 'email', message: PreferenceProblem.EMAIL_ADDRESS_MISSING };
  return undefined;
}
