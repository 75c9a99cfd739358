import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { EVENT_SOURCES, PERSON_ROLES, SEVERITIES } from '../../orm/entities/vocabulary';
import { ForbiddenError } from '../../errors/app-error';
import { viewerOf, type ApiContext } from '../context';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import { personalField } from '../personal-data';
import type { GridRow, PersonRow } from '../rows';
import { findDepartments } from '../sql/departments';
import { findGridPage } from '../sql/grid-page';
import type { Resolvers } from './resolvers';

/** GraphQL enum values are upper case; the database keeps the vocabulary's lower-case codes. */
const upperEnum = (values: readonly string[]) => Object.fromEntries(values.map((value) => [value.toUpperCase(), value]));

export const commonTypeDefs = /* GraphQL */ `
  scalar DateTime
  "A JSON object (process variables)."
  scalar JSONObject

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  enum Role { ${PERSON_ROLES.map((r) => r.toUpperCase()).join(' ')} }
  enum Severity { ${SEVERITIES.map((s) => s.toUpperCase()).join(' ')} }
  enum EventSource { ${EVENT_SOURCES.map((s) => s.toUpperCase()).join(' ')} }

  "Someone the city knows: staff by name and code; citizens only to themselves and staff handling their reports."
  type Person {
    code: String!
    "A citizen's name is masked (张*) for staff who may not read it in full (docs/operations.md, Personal data); every read by staff is recorded."
    name: String!
    "As name; masked 138****5678."
    phone: String
    role: Role!
    department: Department
    grid: Grid
  }

  type Department {
    code: String!
    name: String!
    "Catalogue codes of the event categories it handles."
    categories: [String!]!
  }

  type Grid {
    code: String!
    name: String!
    "GB/T 2260 code of the district (区/县)."
    districtCode: String!
    districtName: String!
    "Hanyu pinyin of the district's name."
    districtPinyin: String!
    "Statistical division code of the street, town or township (9 digits)."
    streetCode: String!
    streetName: String!
    streetPinyin: String!
    "Statistical division code of the residents' or villagers' committee (12 digits)."
    communityCode: String!
    communityName: String!
    communityPinyin: String!
    "The grid worker on patrol here."
    worker: Person
    "Its boundary as GeoJSON polygon coordinates: the outer ring of [lon, lat] points first, then any holes."
    boundary: [[[Float!]!]!]!
  }

  type GridEdge { cursor: String! node: Grid! }
  type GridConnection { edges: [GridEdge!]! pageInfo: PageInfo! }

  type Query {
    "Who the bearer token says you are."
    me: Person!
    "The city's grids, by code; filter by district, street or community code."
    grids(district: String, street: String, community: String, first: Int = 50, after: String): GridConnection!
    departments: [Department!]!
  }

  type Mutation {
    _noop: Boolean @deprecated(reason: "placeholder so modules can extend Mutation")
  }

  type Subscription {
    _noop: Boolean @deprecated(reason: "placeholder so modules can extend Subscription")
  }
`;

export const commonResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSONObject: JSONObjectResolver,
  Role: upperEnum(PERSON_ROLES),
  Severity: upperEnum(SEVERITIES),
  EventSource: upperEnum(EVENT_SOURCES),
  Person: {
    name: (person: PersonRow, _: unknown, context: ApiContext) => personalField(context, person, 'name'),
    phone: (person: PersonRow, _: unknown, context: ApiContext) => personalField(context, person, 'phone'),
    department: (person: PersonRow, _: unknown, context: ApiContext) => (person.department_code === null ? null : context.loaders.department.load(person.department_code)),
    grid: (person: PersonRow, _: unknown, context: ApiContext) => (person.grid_code === null ? null : context.loaders.grid.load(person.grid_code)),
  },
  Grid: {
    districtCode: (grid: GridRow) => grid.district_code,
    districtName: (grid: GridRow) => grid.district_name,
    streetCode: (grid: GridRow) => grid.street_code,
    streetName: (grid: GridRow) => grid.street_name,
    communityCode: (grid: GridRow) => grid.community_code,
    communityName: (grid: GridRow) => grid.community_name,
    districtPinyin: (grid: GridRow) => grid.district_pinyin,
    streetPinyin: (grid: GridRow) => grid.street_pinyin,
    communityPinyin: (grid: GridRow) => grid.community_pinyin,
    worker: (grid: GridRow, _: unknown, context: ApiContext) => context.loaders.gridWorker.load(grid.code),
    boundary: async (grid: GridRow, _: unknown, context: ApiContext) => grid.polygon ?? (await context.loaders.grid.load(grid.code))?.polygon ?? [],
  },
  Query: {
    me: async (_: unknown, __: unknown, context: ApiContext) => {
      const viewer = viewerOf(context);
      const person = await context.loaders.personByCode.load(viewer.personCode);
      // A valid token for someone no longer in the city's records.
      if (person === null) throw new ForbiddenError(`person ${viewer.personCode} is not in the city's records`);
      return person;
    },
    grids: async (_: unknown, args: { district?: string | null; street?: string | null; community?: string | null; first?: number | null; after?: string | null }, context: ApiContext) => {
      viewerOf(context);
      const size = pageSize(args.first);
      const after = decodeCursor(args.after, 'grid', 1);
      const rows = await findGridPage(context.db, {
        district: args.district ?? null,
        street: args.street ?? null,
        community: args.community ?? null,
        afterCode: after?.[0],
        limit: size + 1,
      });
      return toPage(rows, size, (row) => encodeCursor('grid', [row.code]));
    },
    departments: async (_: unknown, __: unknown, context: ApiContext) => {
      viewerOf(context);
      return findDepartments(context.db);
    },
  },
};
