import { ASSIGNMENT_LEVELS as LEVELS, type AssignmentLevel as Level } from '../orm/entities/vocabulary';
import { SLA_CLOCKS, type SlaClock } from '../sla/sla-window';
import { InvalidJobError } from './job';

/** Readers for job variables: each names the variable it refuses, so the incident says what to fix. */

export function eventIdOf(variables: Readonly<Record<string, unknown>>): number {
  const raw = variables.eventId;
  const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : NaN;
  if (!(id > 0)) throw new InvalidJobError(`eventId: expected the event's id as a string of digits, got ${JSON.stringify(raw)}`);
  return id;
}

export function stringOf(variables: Readonly<Record<string, unknown>>, name: string): string {
  const value = variables[name];
  if (typeof value !== 'string' || value === '') throw new InvalidJobError(`${name}: expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

export function optionalStringOf(variables: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = variables[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidJobError(`${name}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

export function integerOf(variables: Readonly<Record<string, unknown>>, name: string, fallback?: number): number {
  const value = variables[name];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidJobError(`${name}: expected a number, got ${JSON.stringify(value)}`);
  return Math.trunc(value);
}

export function stringListOf(variables: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = variables[name] ?? [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new InvalidJobError(`${name}: expected a list of strings, got ${JSON.stringify(value)}`);
  }
  return value;
}


export interface Assignment {
  readonly level: Level;
  /** The lead department first; empty at grid level. */
  readonly departments: readonly string[];
}

export function assignmentOf(variables: Readonly<Record<string, unknown>>, name = 'assignment'): Assignment {
  const value = variables[name] as { level?: unknown; departments?: unknown } | undefined;
  if (typeof value !== 'object' || value === null || !(LEVELS as readonly unknown[]).includes(value.level)) {
    throw new InvalidJobError(`${name}: expected {level: GRID | DEPARTMENT | JOINT, departments}, got ${JSON.stringify(value)}`);
  }
  return { level: value.level as Level, departments: stringListOf(value, 'departments') };
}

export interface Route extends Assignment {
  readonly slaHours: number;
  /** Calendar or working hours; a route without one (decided before the column existed) counts calendar hours. */
  readonly slaClock: SlaClock;
  readonly priority: number;
}

export function routeOf(variables: Readonly<Record<string, unknown>>): Route {
  const value = variables.route;
  if (typeof value !== 'object' || value === null) throw new InvalidJobError(`route: expected the route-event decision's result, got ${JSON.stringify(value)}`);
  const route = value as Record<string, unknown>;
  const assignment = assignmentOf(variables, 'route');
  const slaHours = integerOrFraction(route, 'slaHours');
  if (!(slaHours > 0)) throw new InvalidJobError(`route.slaHours: expected a positive number, got ${JSON.stringify(route.slaHours)}`);
  const slaClock = route.slaClock ?? 'calendar';
  if (!(SLA_CLOCKS as readonly unknown[]).includes(slaClock)) throw new InvalidJobError(`route.slaClock: expected "calendar" or "working", got ${JSON.stringify(route.slaClock)}`);
  return { ...assignment, slaHours, slaClock: slaClock as SlaClock, priority: clampPriority(integerOf(route, 'priority')) };
}

function integerOrFraction(record: Record<string, unknown>, name: string): number {
  const value = record[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidJobError(`route.${name}: expected a number, got ${JSON.stringify(value)}`);
  return value;
}

/** Camunda's task priorities run 0..100. */
export function clampPriority(priority: number): number {
  return Math.max(0, Math.min(100, Math.round(priority)));
}

/** How much an escalation or a reopening raises the priority. */
export const PRIORITY_RAISE = 20;
