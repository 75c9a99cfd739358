/**
 * The closed vocabularies of the city's data. The migration spells the same
 * lists out as check constraints; a test keeps the two in step.
 */
export const PERSON_ROLES = ['citizen', 'grid_worker', 'clerk', 'manager', 'admin'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Where a report came in: the citizen app, a grid worker on patrol, or an intake system. */
export const EVENT_SOURCES = [
  'citizen_app',
  'grid_worker',
  'hotline_12345',
  'digital_city',
  'mental_health',
  'enterprise_supervision',
  'video_alarm',
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Escalation (督办) is a flag beside the status, not a status: an escalated event still moves on. */
export const EVENT_STATUSES = ['REPORTED', 'ACCEPTED', 'ROUTED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'MERGED', 'REJECTED', 'REOPENED'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Statuses after which nothing more happens to an event (queues and duplicate merging skip them). */
export const FINAL_EVENT_STATUSES: readonly EventStatus[] = ['CLOSED', 'MERGED', 'REJECTED'];

export const ATTACHMENT_KINDS = ['photo', 'voice', 'video'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** Zeebe's user-task states. */
export const TASK_STATES = ['CREATED', 'COMPLETED', 'CANCELED'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** Who handles an event, as route-event decides. */
export const ASSIGNMENT_LEVELS = ['GRID', 'DEPARTMENT', 'JOINT'] as const;
export type AssignmentLevel = (typeof ASSIGNMENT_LEVELS)[number];
