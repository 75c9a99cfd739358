import { defineEntity, p } from '@mikro-orm/core';

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
    /** Hanyu pinyin of the name, without tones ("Donghu Qu"). */
    districtPinyin: p.text().default(''),
    streetCode: p.text(),
    streetName: p.text(),
    streetPinyin: p.text().default(''),
    communityCode: p.text(),
    communityName: p.text(),
    communityPinyin: p.text().default(''),
    /** WGS84; GeoJSON Polygon coordinates, so any GIS tool reads them as they are. */
    polygon: p.json<PolygonCoordinates>(),
    // The bounding box, kept beside the polygon so that lookups can prefilter without parsing it.
    minLon: p.double(),
    minLat: p.double(),
    maxLon: p.double(),
    maxLat: p.double(),
  },
});

/**
 * The smallest unit of the city: one grid, one grid worker. The worker is kept on the
 * person's side only (person.grid_code, unique): a grid names no person, so the two
 * entities do not import each other.
 */
export class Grid extends GridSchema.class {}
GridSchema.setClass(Grid);
