import { EVENT_STATUSES, type EventSource } from '../../orm/entities/vocabulary';
import { BadUserInputError, ForbiddenError, EntityNotFoundError } from '../../errors/app-error';
import type { Viewer } from '../auth/viewer';
import { viewerOf, type ApiContext } from '../context';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import { actorOf, type ActorView } from '../actor';
import type { EventRow, FeedbackRow, TransitionRow } from '../rows';
import { canSeeEvent } from '../scope';
import { findEventPage, type EventFilter } from '../sql/event-page';
import { findMergedReports } from '../sql/merged-reports';
import { submitFeedback, type FeedbackInput } from '../submit-feedback';
import type { Resolvers } from './resolvers';

/**
 * The department whose clerks staff the 12345 hotline desk: they report on
 * callers' behalf (source HOTLINE_12345, the caller as reporter when known).
 */
export const HOTLINE_DEPARTMENT = 'command_center';

export const eventTypeDefs = /* GraphQL */ `
  enum EventStatus { ${EVENT_STATUSES.join(' ')} }
  enum AssignmentLevel { GRID DEPARTMENT JOINT }
  enum AttachmentKind { PHOTO VOICE VIDEO }

  type Event {
    id: ID!
    category: String!
    description: String!
    severity: Severity!
    source: EventSource!
    status: EventStatus!
    "Escalated (督办) after its SLA was breached."
    escalated: Boolean!
    lon: Float!
    lat: Float!
    address: String
    grid: Grid
    "Null for a citizen reading someone else's report (one their own report was merged into)."
    reporter: Person
    reportedAt: DateTime!
    acceptedAt: DateTime
    slaDueAt: DateTime
    breachedAt: DateTime
    closedAt: DateTime
    level: AssignmentLevel
    "The departments handling it, the lead first."
    departments: [Department!]!
    "Set when this report was merged into an open event."
    duplicateOf: Event
    timeline: [Transition!]!
    attachments: [Attachment!]!
    feedback: [Feedback!]!
  }

  type Transition {
    fromStatus: EventStatus
    toStatus: EventStatus!
    escalated: Boolean!
    note: String
    "Who did it (claimed, resolved, returned, arbitrated, verified, reviewed); null for the service's own steps."
    actor: Actor
    at: DateTime!
  }

  "Who acted on an event. Staff read the person; a citizen reads the role and the department or grid, and a person only when it is themselves."
  type Actor {
    role: Role!
    department: Department
    grid: Grid
    person: Person
  }

  "A file sent with the report; its bytes: GET /attachments/<id> with the same bearer token."
  type Attachment {
    id: ID!
    kind: AttachmentKind!
    contentType: String!
    size: Int!
    sha256: String!
    createdAt: DateTime!
  }

  "A citizen reads their own feedback; staff read all of an event's."
  type Feedback {
    "null: no answer came in time."
    satisfied: Boolean
    score: Int
    comment: String
    "Given by a citizen whose own report was merged into this event (not counted in the satisfaction KPI)."
    fromMergedReport: Boolean!
    createdAt: DateTime!
  }

  type EventEdge { cursor: String! node: Event! }
  type EventConnection { edges: [EventEdge!]! pageInfo: PageInfo! }

  input EventFilter {
    status: [EventStatus!]
    category: String
    grid: String
    department: String
    escalated: Boolean
    reportedAfter: DateTime
    reportedBefore: DateTime
    "Only what I reported."
    mine: Boolean
  }

  input AttachmentInput {
    "The file, base64-encoded. Larger media go through the Open311 endpoint's multipart upload."
    contentBase64: String!
    "What the sender says it is; checked against the bytes."
    contentType: String
    filename: String
  }

  "The datum of a report's coordinates. The service stores WGS-84; GCJ-02 is what Chinese map SDKs (AMap, Tencent) report."
  enum CoordinateSystem { WGS84 GCJ02 }

  input ReportEventInput {
    category: String!
    description: String!
    severity: Severity!
    "Longitude and latitude, in the datum crs names. Leave both out to have the report placed by its address (the street or community it names)."
    lon: Float
    lat: Float
    "Default WGS84."
    crs: CoordinateSystem
    address: String
    "Hotline operators only: the caller, when registered."
    reporterCode: String
    attachments: [AttachmentInput!]
  }

  input FeedbackInput {
    satisfied: Boolean!
    "1 to 5."
    score: Int
    comment: String
  }

  extend type Query {
    "An event in your scope (your reports and the events they were merged into, your grid's, your department's); NOT_FOUND otherwise."
    event(id: ID!): Event
    "Events in your scope, newest first."
    events(filter: EventFilter, first: Int = 50, after: String): EventConnection!
  }

  extend type Mutation {
    "Citizens report through the app, grid workers from patrol, hotline operators for callers."
    reportEvent(input: ReportEventInput!): Event!
    "Satisfaction with a closed event: its reporter's (what the process waits for), or, once per closing, that of a citizen whose report was merged into it."
    submitFeedback(eventId: ID!, feedback: FeedbackInput!): Event!
  }
`;

interface EventsArgs {
  readonly filter?: EventFilter | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

interface ReportArgs {
  readonly input: {
    readonly category: string;
    readonly description: string;
    readonly severity: string;
    readonly lon?: number | null;
    readonly lat?: number | null;
    readonly crs?: 'WGS84' | 'GCJ02' | null;
    readonly address?: string | null;
    readonly reporterCode?: string | null;
    readonly attachments?: readonly { readonly contentBase64: string; readonly contentType?: string | null; readonly filename?: string | null }[] | null;
  };
}

export const eventResolvers: Resolvers = {
  AttachmentKind: { PHOTO: 'photo', VOICE: 'voice', VIDEO: 'video' },
  Event: {
    escalated: (e: EventRow) => e.escalated,
    address: (e: EventRow) => e.address,
    grid: (e: EventRow, _: unknown, context: ApiContext) => (e.grid_code === null ? null : context.loaders.grid.load(e.grid_code)),
    reporter: async (e: EventRow, _: unknown, context: ApiContext) => {
      if (e.reporter_id === null) return null;
      const reporter = await context.loaders.person.load(e.reporter_id);
      // A citizen following an event their report was merged into does not learn who else reported it.
      const viewer = viewerOf(context);
      if (reporter === null || (viewer.role === 'citizen' && reporter.code !== viewer.personCode)) return null;
      // Read through this event: its handlers may read the reporter's contact in full (personal-data.ts).
      return { ...reporter, contactOf: e.id };
    },
    reportedAt: (e: EventRow) => e.reported_at,
    acceptedAt: (e: EventRow) => e.accepted_at,
    slaDueAt: (e: EventRow) => e.sla_due_at,
    breachedAt: (e: EventRow) => e.breached_at,
    closedAt: (e: EventRow) => e.closed_at,
    departments: async (e: EventRow, _: unknown, context: ApiContext) =>
      (await context.loaders.department.loadMany(e.departments)).filter((d) => d !== null && !(d instanceof Error)),
    duplicateOf: (e: EventRow, _: unknown, context: ApiContext) => (e.duplicate_of_id === null ? null : context.loaders.event.load(e.duplicate_of_id)),
    timeline: (e: EventRow, _: unknown, context: ApiContext) => context.loaders.timeline.load(e.id),
    attachments: (e: EventRow, _: unknown, context: ApiContext) => context.loaders.attachments.load(e.id),
    feedback: async (e: EventRow, _: unknown, context: ApiContext) => {
      const viewer = viewerOf(context);
      const rows = await context.loaders.feedback.load(e.id);
      if (viewer.role !== 'citizen') return rows;
      const me = await context.loaders.personByCode.load(viewer.personCode);
      return rows.filter((row) => me !== null && row.citizen_id === me.id);
    },
  },
  Transition: {
    fromStatus: (t: TransitionRow) => t.from_status,
    toStatus: (t: TransitionRow) => t.to_status,
    actor: (t: TransitionRow, _: unknown, context: ApiContext) => actorOf(context, t.actor_id, t.event_id),
  },
  Actor: {
    department: (a: ActorView, _: unknown, context: ApiContext) => (a.departmentCode === null ? null : context.loaders.department.load(a.departmentCode)),
    grid: (a: ActorView, _: unknown, context: ApiContext) => (a.gridCode === null ? null : context.loaders.grid.load(a.gridCode)),
  },
  Attachment: {
    contentType: (a: { content_type: string }) => a.content_type,
    size: (a: { size: string }) => Number(a.size),
    createdAt: (a: { created_at: Date }) => a.created_at,
  },
  Feedback: {
    fromMergedReport: (f: FeedbackRow) => f.merged_report_id !== null,
    createdAt: (f: FeedbackRow) => f.created_at,
  },
  Query: {
    event: async (_: unknown, args: { id: string }, context: ApiContext) => findVisibleEvent(context, args.id),
    events: async (_: unknown, args: EventsArgs, context: ApiContext) => {
      const viewer = viewerOf(context);
      const size = pageSize(args.first);
      const after = decodeCursor(args.after, 'events', 2);
      const rows = await findEventPage(context.db, viewer, { filter: args.filter ?? {}, after, limit: size + 1 });
      return toPage(rows, size, (row) => encodeCursor('events', [row.reported_at.toISOString(), row.id]));
    },
  },
  Mutation: {
    reportEvent: async (_: unknown, args: ReportArgs, context: ApiContext) => {
      const viewer = viewerOf(context);
      const { source, reporterCode } = reportingAs(viewer, args.input.reporterCode ?? undefined);
      const input = args.input;
      const reported = await context.services.intake.reportEvent({
        category: input.category,
        description: input.description,
        severity: input.severity,
        lon: input.lon ?? undefined,
        lat: input.lat ?? undefined,
        crs: input.crs ?? undefined,
        address: input.address ?? undefined,
        source,
        reporterCode,
        attachments: (input.attachments ?? []).map((attachment, i) => ({
          bytes: decodeBase64(attachment.contentBase64, `attachments[${i}].contentBase64`),
          declaredType: attachment.contentType ?? undefined,
          filename: attachment.filename ?? undefined,
        })),
      });
      const event = await context.loaders.event.load(String(reported.eventId));
      if (event === null) throw new Error(`event ${reported.eventId} vanished after it was reported`);
      return event;
    },
    submitFeedback: async (_: unknown, args: { eventId: string; feedback: FeedbackInput }, context: ApiContext) => {
      const viewer = viewerOf(context);
      const event = await submitFeedback(context, viewer, await findVisibleEvent(context, args.eventId), args.feedback);
      // Read-your-writes: the answer shows the event as the feedback left it, not as this request first read it.
      context.loaders.event.clear(event.id);
      context.loaders.timeline.clear(event.id);
      context.loaders.feedback.clear(event.id);
      return (await context.loaders.event.load(event.id)) ?? event;
    },
  },
};

/** The event if the viewer may see it; NOT_FOUND alike for a missing event and one outside their scope. */
export async function findVisibleEvent(context: ApiContext, id: string): Promise<EventRow> {
  const viewer = viewerOf(context);
  if (!/^\d{1,18}$/.test(id)) throw new BadUserInputError('id', `id must be an event id (digits), got ${JSON.stringify(id)}`);
  const event = await context.loaders.event.load(id);
  if (event === null) throw new EntityNotFoundError('event', id);
  const reporter = event.reporter_id === null ? null : await context.loaders.person.load(event.reporter_id);
  const reporterCode = reporter?.code ?? null;
  if (canSeeEvent(viewer, event, reporterCode, [])) return event;
  // A department that handled it before a return still sees it through its tasks: read them only when that decides.
  if (viewer.role === 'clerk' || viewer.role === 'manager') {
    const taskGroups = (await context.loaders.eventTasks.load(id)).flatMap((t) => t.candidateGroups);
    if (canSeeEvent(viewer, event, reporterCode, taskGroups)) return event;
  }
  // Someone whose report was merged into it follows it as its reporter does.
  if ((await findMergedReports(context.db, event.id, viewer.personCode)).length > 0) return event;
  throw new EntityNotFoundError('event', id);
}

/** Who reports as what: the channel follows from the role, never from the input. */
function reportingAs(viewer: Viewer, reporterCode: string | undefined): { source: EventSource; reporterCode: string | undefined } {
  const onlyHotline = () => new BadUserInputError('reporterCode', 'reporterCode is for hotline operators reporting on a caller\'s behalf');
  switch (viewer.role) {
    case 'citizen':
      if (reporterCode !== undefined) throw onlyHotline();
      return { source: 'citizen_app', reporterCode: viewer.personCode };
    case 'grid_worker':
      if (reporterCode !== undefined) throw onlyHotline();
      return { source: 'grid_worker', reporterCode: viewer.personCode };
    case 'clerk':
      if (viewer.departmentCode !== HOTLINE_DEPARTMENT) throw new ForbiddenError(`clerks of ${viewer.departmentCode} do not take reports; the hotline desk (${HOTLINE_DEPARTMENT}) does`);
      return { source: 'hotline_12345', reporterCode };
    case 'manager':
    case 'admin':
      throw new ForbiddenError(`a ${viewer.role} does not report events; citizens, grid workers and the hotline desk do`);
    default:
      return viewer satisfies never;
  }
}

function decodeBase64(text: string, field: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new BadUserInputError(field, `${field} is not base64`);
  return Buffer.from(text, 'base64');
}

