import { nameOf } from '../../intake/categories';
import { listCategoryRows } from '../../intake/sql/list-categories';
import { viewerOf, type ApiContext } from '../context';
import { gridGeometry } from '../map/grid-geometry';
import { confineToDepartment, isCityWide } from '../manager-access';
import type { EventRow } from '../rows';
import { findGridFigures } from '../sql/grid-map';
import type { Resolvers } from './resolvers';

/**
 * What the monitor needs beyond the figures to speak in names and draw the
 * city: the categories' names, the grids' outlines, figures per grid, and the
 * engine instance behind an event (for those who may open it).
 */
export const cityMapTypeDefs = /* GraphQL */ `
  type Category {
    code: String!
    name: String!
    "Departments that handle it, by code."
    departments: [String!]!
  }

  type CityMap {
    "Changes whenever a grid is added, removed, renamed or moved; a client keeps the geometry while it stays."
    version: String!
    """
    JSON text: { quantum, origin: [lon, lat], bbox: [minLon, minLat, maxLon, maxLat], districts: [[code, name]],
    grids: [[code, name, districtIndex, ring]] }. A ring is the grid's outer ring, simplified, in steps of
    \`quantum\` degrees: [x0, y0, dx1, dy1, …], the first point from \`origin\`, each next from the one before.
    """
    geometry: String!
    grids: Int!
  }

  "One grid's events in the viewer's scope; grids without any are left out."
  type GridFigures {
    grid: String!
    "Not closed, merged or rejected."
    open: Int!
    "Open and past their SLA."
    breached: Int!
    "Feedback answers that were satisfied."
    satisfied: Int!
    "Feedback answers (no-response rounds excluded)."
    answered: Int!
  }

  extend type Event {
    "The engine's process instance; only for the command centre's managers and admins."
    processInstanceKey: ID
  }

  extend type Query {
    "Every category some department handles, with its name (anyone signed in)."
    categories: [Category!]!
    "The grids' outlines for a map (managers and admins)."
    cityMap: CityMap!
    "Figures per grid; a department's manager gets their department's events."
    gridFigures(department: String): [GridFigures!]!
  }
`;

export const cityMapResolvers: Resolvers = {
  CityMap: {
    geometry: (map: { payload: string }) => map.payload,
  },
  Event: {
    processInstanceKey: (event: EventRow, _: unknown, context: ApiContext) => {
      // Engine internals are for those who may open the engine's views; a citizen never reads them.
      return context.viewer !== null && isCityWide(context.viewer) ? event.process_instance_key : null;
    },
  },
  Query: {
    categories: async (_: unknown, __: unknown, context: ApiContext) => {
      viewerOf(context);
      return (await listCategoryRows(context.db)).map((row) => ({ code: row.code, name: nameOf(row.code), departments: row.departments }));
    },
    cityMap: async (_: unknown, __: unknown, context: ApiContext) => {
      confineToDepartment(context, undefined);
      return gridGeometry(context.db);
    },
    gridFigures: async (_: unknown, args: { department?: string | null }, context: ApiContext) => {
      const department = confineToDepartment(context, args.department);
      return findGridFigures(context.db, (params) => (department === undefined ? 'true' : `e.departments @> array[${params.param(department)}]::text[]`));
    },
  },
};
