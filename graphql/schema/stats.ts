import { BadUserInputError } from '../../errors/app-error';
import type { ApiContext } from '../context';
import { confineToDepartment } from '../manager-access';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import { findBreachPage, type BreachRow } from '../sql/breach-page';
import { findKpiGroups, findKpis, STATS_DIMENSIONS, type KpiCountsRow, type KpiGroupRow, type StatsDimension, type StatsQuery } from '../sql/kpis';
import type { Resolvers } from './resolvers';

/** Enough groups for a year of days; more is not a chart anyone reads. */
export const MAX_GROUPS = 366;

export const statsTypeDefs = /* GraphQL */ `
  type SlaBreach {
    event: Event!
    breachedAt: DateTime!
    slaDueAt: DateTime
    "How far past its SLA due time: until now while open, until it closed otherwise."
    overdueSeconds: Int!
    open: Boolean!
    departments: [Department!]!
    grid: Grid
    category: String!
  }
  type SlaBreachEdge { cursor: String! node: SlaBreach! }
  type SlaBreachConnection { edges: [SlaBreachEdge!]! pageInfo: PageInfo! }

  input BreachFilter {
    "Events this department takes part in, as lead or not."
    department: String
    grid: String
    category: String
    "At least this many hours overdue."
    minOverdueHours: Float
    "true: still open; false: closed since."
    open: Boolean
  }

  input StatsFilter {
    "Events reported from (inclusive) … to (exclusive)."
    from: DateTime
    to: DateTime
    "Events this department leads (the first of their departments), as the DEPARTMENT groups count them."
    department: String
    grid: String
    category: String
  }

  enum StatsDimension { ${STATS_DIMENSIONS.join(' ')} }

  type Kpis {
    reported: Int!
    "Accepted (not rejected) among those reported; merged duplicates are not counted."
    accepted: Int!
    closed: Int!
    "accepted / (reported − merged); null when nothing was reported."
    acceptanceRate: Float
    "closed / accepted."
    completionRate: Float
    "satisfied / feedback answered (no-response rounds excluded)."
    satisfactionRate: Float
    "Feedback rounds answered (satisfied or not), the satisfaction rate's denominator."
    feedbackCount: Int!
    "From report to close, closed events only."
    averageHandlingSeconds: Float
    p90HandlingSeconds: Float
    breaches: Int!
    "Merged into an open near-duplicate."
    merged: Int!
    "Refused at acceptance (not the city's, or not an event). reported = merged + rejected + accepted + those not yet decided."
    rejected: Int!
  }

  type KpiGroup {
    "A department code, grid code, category code, or a day (YYYY-MM-DD, UTC)."
    key: String!
    kpis: Kpis!
  }

  type Stats {
    kpis: Kpis!
    "Largest groups first (by reported), days in order (the latest \`first\` days)."
    by(dimension: StatsDimension!, first: Int = 50): [KpiGroup!]!
  }

  extend type Query {
    "Events that breached their SLA, earliest due first (order by sla_due_at, id)."
    slaBreaches(filter: BreachFilter, first: Int = 50, after: String): SlaBreachConnection!
    stats(filter: StatsFilter): Stats!
  }
`;

interface BreachArgs {
  readonly filter?: {
    readonly department?: string | null;
    readonly grid?: string | null;
    readonly category?: string | null;
    readonly minOverdueHours?: number | null;
    readonly open?: boolean | null;
  } | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

interface StatsArgs {
  readonly filter?: {
    readonly from?: Date | null;
    readonly to?: Date | null;
    readonly department?: string | null;
    readonly grid?: string | null;
    readonly category?: string | null;
  } | null;
}

const given = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export const statsResolvers: Resolvers = {
  SlaBreach: {
    event: (row: BreachRow) => row,
    breachedAt: (row: BreachRow) => row.breached_at,
    slaDueAt: (row: BreachRow) => row.sla_due_at,
    overdueSeconds: (row: BreachRow) => row.overdue_seconds,
    open: (row: BreachRow) => row.closed_at === null,
    departments: async (row: BreachRow, _: unknown, context: ApiContext) =>
      (await context.loaders.department.loadMany(row.departments)).filter((d) => d !== null && !(d instanceof Error)),
    grid: (row: BreachRow, _: unknown, context: ApiContext) => (row.grid_code === null ? null : context.loaders.grid.load(row.grid_code)),
  },
  Stats: {
    kpis: async (query: StatsQuery, _: unknown, context: ApiContext) => kpisOf(await findKpis(context.db, query)),
    by: async (query: StatsQuery, args: { dimension: StatsDimension; first?: number | null }, context: ApiContext) => {
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 1 || first > MAX_GROUPS) {
        throw new BadUserInputError('first', `first must be an integer from 1 to ${MAX_GROUPS}, got ${first}`);
      }
      const groups = await findKpiGroups(context.db, query, args.dimension, first);
      return groups.map((group: KpiGroupRow) => ({ key: group.key, kpis: kpisOf(group) }));
    },
  },
  Query: {
    slaBreaches: async (_: unknown, args: BreachArgs, context: ApiContext) => {
      const filter = args.filter ?? {};
      const department = confineToDepartment(context, filter.department);
      const size = pageSize(args.first);
      const hours = given(filter.minOverdueHours);
      if (hours !== undefined && !(Number.isFinite(hours) && hours >= 0)) {
        throw new BadUserInputError('filter.minOverdueHours', `minOverdueHours must be zero or more, got ${hours}`);
      }
      const after = decodeCursor(args.after, 'breaches', 2);
      const rows = await findBreachPage(context.db, {
        department,
        grid: given(filter.grid),
        category: given(filter.category),
        minOverdueSeconds: hours === undefined ? undefined : hours * 3600,
        open: given(filter.open),
        after,
        limit: size + 1,
      });
      return toPage(rows, size, (row) => encodeCursor('breaches', [row.sla_due_at?.toISOString() ?? null, row.id]));
    },
    stats: (_: unknown, args: StatsArgs, context: ApiContext): StatsQuery => {
      const filter = args.filter ?? {};
      const department = confineToDepartment(context, filter.department);
      const from = given(filter.from);
      const to = given(filter.to);
      if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
        throw new BadUserInputError('filter.from', `filter.from (${from.toISOString()}) must be before filter.to (${to.toISOString()})`);
      }
      return { from, to, department, grid: given(filter.grid), category: given(filter.category) };
    },
  },
};

/** The KPIs from their counts; a rate with nothing to divide by is null, not zero. */
function kpisOf(counts: KpiCountsRow) {
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  return {
    reported: counts.reported,
    accepted: counts.accepted,
    closed: counts.closed,
    merged: counts.merged,
    rejected: counts.rejected,
    acceptanceRate: ratio(counts.accepted, counts.reported - counts.merged),
    completionRate: ratio(counts.closed, counts.accepted),
    satisfactionRate: ratio(counts.satisfied, counts.answered),
    feedbackCount: counts.answered,
    averageHandlingSeconds: counts.average_handling_seconds,
    p90HandlingSeconds: counts.p90_handling_seconds,
    breaches: counts.breaches,
  };
}
