import type { Queryable } from '../db/queryable';
import type { PolygonCoordinates } from '../orm/entities/grid';
import { interiorPoint } from '../orm/geo/interior-point';
import { IntakeError } from './errors';

/** Where an address with no coordinates was put, and by which division it names. */
export interface AddressPlacement {
  readonly gridCode: string;
  readonly lon: number;
  readonly lat: number;
  readonly by: 'community' | 'street' | 'district' | 'command_centre';
  /** The division's name as the city records it ("滕王阁街道"). */
  readonly named: string;
}

/** What the intake needs to place a report by its address. */
export interface AddressPlacer {
  place(address: string): AddressPlacement;
}

interface Place {
  readonly code: string;
  readonly name: string;
  /** The name without its generic ending (社区, 村, 街道, 镇, 区 …), when two or more characters are left. */
  readonly stem: string | undefined;
  readonly parent: string | undefined;
  readonly gridCode: string;
  readonly lon: number;
  readonly lat: number;
}

const ENDINGS = /(社区|管理处|生活区|街道|村|镇|乡|区|县)$/;

/**
 * A hotline caller gives an address, not coordinates. The city's divisions
 * are the only gazetteer the service has: the address is placed in the
 * community it names (in the street or district it names, when it names
 * them too), else in the street, else in the district — at a point inside
 * the division's first grid, so the grid index places it there again. An
 * address naming none of them is still taken: it goes to the city's first
 * grid with a note for the command centre to place it.
 */
export class DivisionPlacer implements AddressPlacer {
  constructor(
    private readonly districts: readonly Place[],
    private readonly streets: readonly Place[],
    private readonly communities: readonly Place[],
    private readonly commandCentre: Place | undefined,
  ) {}

  place(address: string): AddressPlacement {
    const district = best(this.districts, address);
    const street = best(this.streets.filter((s) => district === undefined || s.parent === district.code), address) ?? (district ? undefined : best(this.streets, address));
    const scope = street ?? district;
    const community = best(this.communities.filter((c) => scope === undefined || c.code.startsWith(scope.code)), address);
    const found = community ?? street ?? district;
    if (found !== undefined) {
      const by = found === community ? 'community' : found === street ? 'street' : 'district';
      return { gridCode: found.gridCode, lon: found.lon, lat: found.lat, by, named: found.name };
    }
    if (this.commandCentre === undefined) throw new IntakeError('OUTSIDE_CITY', 'address: the city has no grids to place it in', 'address');
    const { gridCode, lon, lat } = this.commandCentre;
    return { gridCode, lon, lat, by: 'command_centre', named: 'command centre' };
  }
}

/** The place whose full name, else whose stem, the address holds; the longest wins, then the lowest code. */
function best(places: readonly Place[], address: string): Place | undefined {
  let found: Place | undefined;
  let score = 0;
  for (const place of places) {
    const s = address.includes(place.name) ? 1_000 + place.name.length : place.stem !== undefined && address.includes(place.stem) ? place.stem.length : 0;
    if (s > score) {
      score = s;
      found = place;
    }
  }
  return found;
}

interface FirstGridRow {
  readonly level: 'district' | 'street' | 'community';
  readonly code: string;
  readonly name: string;
  readonly parent: string | null;
  readonly grid_code: string;
  readonly polygon: PolygonCoordinates;
}

/** Reads the divisions and each one's first grid (by grid code) from the grid table. */
export async function loadDivisionPlacer(db: Queryable): Promise<DivisionPlacer> {
  const { rows } = await db.query<FirstGridRow>(
    `select distinct on (d.level, d.division) d.level, d.division as code, d.division_name as name, d.parent, g.code as grid_code, g.polygon
       from public.grid g,
            lateral (values ('district', g.district_code, g.district_name, null),
                            ('street', g.street_code, g.street_name, g.district_code),
                            ('community', g.community_code, g.community_name, g.street_code)) as d(level, division, division_name, parent)
      order by d.level, d.division, g.code`,
  );
  const places = (level: FirstGridRow['level']): Place[] =>
    rows
      .filter((row) => row.level === level)
      .map((row) => {
        const stem = row.name.replace(ENDINGS, '');
        return {
          code: row.code,
          name: row.name,
          stem: stem.length >= 2 && stem !== row.name ? stem : undefined,
          parent: row.parent ?? undefined,
          gridCode: row.grid_code,
          ...interiorPoint(row.polygon),
        };
      });
  const districts = places('district');
  // The city's first grid stands in for the command centre's desk: a report there waits for its staff to place it.
  return new DivisionPlacer(districts, places('street'), places('community'), districts[0]);
}
