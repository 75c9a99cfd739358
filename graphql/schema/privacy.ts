import { ForbiddenError } from '../../errors/app-error';
import { ormQueryable } from '../../db/orm-queryable';
import { AUDITED_FIELDS } from '../../privacy/read-audit';
import { erasePerson, removeUnreferenced } from '../../privacy/retention';
import type { Viewer } from '../auth/viewer';
import { viewerOf, type ApiContext } from '../context';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import { EVENT_COLUMNS, type EventRow, type PersonRow } from '../rows';
import type { Resolvers } from './resolvers';

export const privacyTypeDefs = /* GraphQL */ `
  enum PersonalDataField { ${AUDITED_FIELDS.map((f) => f.toUpperCase()).join(' ')} }

  "One read of a citizen's personal data by staff (append-only)."
  type PersonalDataRead {
    id: ID!
    "Person code of the member of staff who read it."
    readerCode: String!
    readerRole: Role!
    "Person code of the citizen whose data it was; null for an anonymous report's attachment."
    subjectCode: String
    event: ID
    field: PersonalDataField!
    "Shown masked rather than in full."
    masked: Boolean!
    "graphql or attachment (GET /attachments/<id>)."
    channel: String!
    readAt: DateTime!
  }
  type PersonalDataReadEdge { cursor: String! node: PersonalDataRead! }
  type PersonalDataReadConnection { edges: [PersonalDataReadEdge!]! pageInfo: PageInfo! }

  input PersonalDataReadFilter {
    readerCode: String
    subjectCode: String
    event: ID
  }

  "A citizen's feedback on an event, in their export."
  type ExportedFeedback {
    event: ID!
    satisfied: Boolean
    score: Int
    comment: String
    createdAt: DateTime!
  }

  "A citizen's request to have their personal data deleted."
  type ErasureRequest {
    requestedAt: DateTime!
    "Set once nothing of the citizen is left: every report finished and pseudonymised, their own name and phone gone."
    completedAt: DateTime
    "Own reports still being handled: their data goes as each finishes (closed, merged, rejected)."
    pendingEvents: [ID!]!
  }

  "Everything the service holds about the citizen asking (PIPL art. 45)."
  type PersonalDataExport {
    exportedAt: DateTime!
    person: Person!
    "Their reports, with timelines and attachments (bytes: GET /attachments/<id>)."
    reports: [Event!]!
    feedback: [ExportedFeedback!]!
    erasure: ErasureRequest
  }

  extend type Query {
    "Administrators: reads of citizens' personal data by staff, newest first."
    personalDataReads(filter: PersonalDataReadFilter, first: Int = 50, after: String): PersonalDataReadConnection!
    "Citizens: a copy of their own personal data."
    myPersonalData: PersonalDataExport!
  }

  extend type Mutation {
    "Citizens: delete my personal data. Finished reports are pseudonymised now; reports still being handled when each finishes; the account once none is left."
    requestDataErasure: ErasureRequest!
  }
`;

interface ReadRow {
  readonly id: string;
  readonly reader_code: string;
  readonly reader_role: string;
  readonly subject_code: string | null;
  readonly event_id: string | null;
  readonly field: string;
  readonly masked: boolean;
  readonly channel: string;
  readonly read_at: Date;
}

interface ErasureView {
  readonly requestedAt: Date;
  readonly completedAt: Date | null;
  readonly pendingEvents: readonly string[];
}

function citizen(viewer: Viewer, what: string): Extract<Viewer, { role: 'citizen' }> {
  if (viewer.role !== 'citizen') throw new ForbiddenError(`${what} is a citizen's own; staff's data is the city's`);
  return viewer;
}

async function me(context: ApiContext, viewer: Viewer): Promise<PersonRow> {
  const person = await context.loaders.personByCode.load(viewer.personCode);
  if (person === null) throw new ForbiddenError(`person ${viewer.personCode} is not in the city's records`);
  return person;
}

async function erasureOf(context: ApiContext, personId: string): Promise<ErasureView | null> {
  const { rows } = await context.db.query<{ requested_at: Date; completed_at: Date | null; pending: string[] }>(
    `select r.requested_at, r.completed_at,
            array(select e.id::text from public.grid_event e where e.reporter_id = r.person_id and e.personal_data_removed_at is null order by e.id) as pending
       from public.personal_data_erasure r where r.person_id = $1`,
    [personId],
  );
  const row = rows[0];
  return row === undefined ? null : { requestedAt: row.requested_at, completedAt: row.completed_at, pendingEvents: row.pending };
}

export const privacyResolvers: Resolvers = {
  PersonalDataField: Object.fromEntries(AUDITED_FIELDS.map((f) => [f.toUpperCase(), f])),
  PersonalDataRead: {
    readerCode: (r: ReadRow) => r.reader_code,
    readerRole: (r: ReadRow) => r.reader_role,
    subjectCode: (r: ReadRow) => r.subject_code,
    event: (r: ReadRow) => r.event_id,
    readAt: (r: ReadRow) => r.read_at,
  },
  Query: {
    personalDataReads: async (
      _: unknown,
      args: { filter?: { readerCode?: string | null; subjectCode?: string | null; event?: string | null } | null; first?: number | null; after?: string | null },
      context: ApiContext,
    ) => {
      const viewer = viewerOf(context);
      if (viewer.role !== 'admin') throw new ForbiddenError('the record of reads of personal data is for administrators');
      const size = pageSize(args.first);
      const after = decodeCursor(args.after, 'personal-data-reads', 1);
      const filter = args.filter ?? {};
      const { rows } = await context.db.query<ReadRow>(
        `select r.id::text, r.reader_code, r.reader_role, p.code as subject_code, r.event_id::text, r.field, r.masked, r.channel, r.read_at
           from public.personal_data_read r left join public.person p on p.id = r.subject_person_id
          where ($1::text is null or r.reader_code = $1)
            and ($2::text is null or p.code = $2)
            and ($3::bigint is null or r.event_id = $3)
            and ($4::bigint is null or r.id < $4)
          order by r.id desc limit $5`,
        [filter.readerCode ?? null, filter.subjectCode ?? null, filter.event ?? null, after?.[0] ?? null, size + 1],
      );
      return toPage(rows, size, (row) => encodeCursor('personal-data-reads', [row.id]));
    },
    myPersonalData: async (_: unknown, __: unknown, context: ApiContext) => {
      const viewer = citizen(viewerOf(context), 'an export of personal data');
      const person = await me(context, viewer);
      const { rows: reports } = await context.db.query<EventRow>(
        `select ${EVENT_COLUMNS} from public.grid_event e where e.reporter_id = $1 order by e.reported_at, e.id`,
        [person.id],
      );
      const { rows: feedback } = await context.db.query<{ event_id: string; satisfied: boolean | null; score: number | null; comment: string | null; created_at: Date }>(
        'select event_id::text, satisfied, score, comment, created_at from public.feedback where citizen_id = $1 order by created_at, id',
        [person.id],
      );
      return {
        exportedAt: new Date(),
        person,
        reports,
        feedback: feedback.map((f) => ({ event: f.event_id, satisfied: f.satisfied, score: f.score, comment: f.comment, createdAt: f.created_at })),
        erasure: await erasureOf(context, person.id),
      };
    },
  },
  Mutation: {
    requestDataErasure: async (_: unknown, __: unknown, context: ApiContext) => {
      const viewer = citizen(viewerOf(context), 'erasure of personal data');
      const person = await me(context, viewer);
      const removed = await context.em.transactional(async (tx) => {
        const db = ormQueryable(tx);
        await db.query('insert into public.personal_data_erasure (person_id) values ($1) on conflict (person_id) do nothing', [person.id]);
        return (await erasePerson(db, person.id)).contents;
      });
      await removeUnreferenced(context.db, context.services.intake, removed, context.services.logger);
      // After a completed erasure the row names no one: read the request by id, as it was.
      const erasure = await erasureOf(context, person.id);
      if (erasure === null) throw new Error(`the erasure request of person ${person.id} vanished`);
      return erasure;
    },
  },
};
