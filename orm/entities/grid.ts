import { defineEntity, p } from '@mikro-orm/core';
import { Person } from './person';

/** A GeoJSON Polygon's coordinates: rings of [lon, lat], the first the outer ring, each closed. */
export type PolygonCoordinates = number[][][];

const GridSchema = defineEntity({
  name: 'Grid',
  tableName: 'grid',
  properties: {
    code: p.text().primary(),
    name: p.text(),
    districtCode: p.text(),
    districtName: p.text(),
    streetCode: p.text(),
    streetName: p.text(),
    communityCode: p.text(),
    communityName: p.text(),
    /** WGS84; GeoJSON Polygon coordinates, so any GIS tool reads them as they are. */
    polygon: p.json<PolygonCoordinates>(),
    // The bounding box, kept beside the polygon so that lookups can prefilter without parsing it.
    minLon: p.double(),
    minLat: p.double(),
    maxLon: p.double(),
    maxLat: p.double(),
    /** Kept on the worker's side (person.grid_code, unique), so grid and worker never wait for each other. */
    worker: () => p.oneToOne(Person).mappedBy('grid').nullable(),
  },
});

/** The smallest unit of the city: one grid, one grid worker. */
export class Grid extends GridSchema.class {}
GridSchema.setClass(Grid);
