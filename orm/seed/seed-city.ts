import type pg from 'pg';
import { DEPARTMENTS } from './catalogue';
import { planCity } from './city-plan';
import { planPeople } from './people-plan';

export interface SeedCounts {
  readonly departments: number;
  readonly grids: number;
  readonly people: number;
}

export interface SeedOptions {
  /** The caller has opened a transaction (and commits or rolls it back); default: seedCity opens its own. */
  readonly inTransaction?: boolean;
}

/**
 * Writes the reference city: departments, grids, people. Idempotent: every
 * row is upserted by its natural code, so a second run changes nothing (and
 * a run after the plan changed brings the rows to the new plan). One statement
 * per table, rows passed as arrays and expanded by unnest: a few seconds for
 * the whole city instead of one round trip per row.
 */
export async function seedCity(client: pg.ClientBase, options: SeedOptions = {}): Promise<SeedCounts> {
  const city = planCity();
  const people = planPeople(city.grids, DEPARTMENTS);

  const ownTransaction = options.inTransaction !== true;
  if (ownTransaction) await client.query('begin');
  try {
    await client.query(
      `insert into public.department (code, name, categories, api_endpoint, credentials_ref)
       select code, name, array(select jsonb_array_elements_text(categories)), api_endpoint, credentials_ref
         from unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[])
           as t(code, name, categories, api_endpoint, credentials_ref)
       on conflict (code) do update set name = excluded.name, categories = excluded.categories,
         api_endpoint = excluded.api_endpoint, credentials_ref = excluded.credentials_ref`,
      [
        DEPARTMENTS.map((d) => d.code),
        DEPARTMENTS.map((d) => d.name),
        DEPARTMENTS.map((d) => JSON.stringify(d.categories)),
        // The seed knows which departments have a system (credentials_ref names its secret) but not
        // where it runs: endpoints are configured per deployment, so none is called until then.
        DEPARTMENTS.map(() => null),
        DEPARTMENTS.map((d) => (d.hasApi ? `department-api/${d.code}` : null)),
      ],
    );

    const g = city.grids;
    await client.query(
      `insert into public.grid (code, name, district_code, district_name, district_pinyin, street_code, street_name, street_pinyin,
         community_code, community_name, community_pinyin, polygon, min_lon, min_lat, max_lon, max_lat)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::float8[], $14::float8[], $15::float8[], $16::float8[])
       on conflict (code) do update set name = excluded.name,
         district_code = excluded.district_code, district_name = excluded.district_name, district_pinyin = excluded.district_pinyin,
         street_code = excluded.street_code, street_name = excluded.street_name, street_pinyin = excluded.street_pinyin,
         community_code = excluded.community_code, community_name = excluded.community_name, community_pinyin = excluded.community_pinyin,
         polygon = excluded.polygon, min_lon = excluded.min_lon, min_lat = excluded.min_lat,
         max_lon = excluded.max_lon, max_lat = excluded.max_lat
       where (grid.name, grid.district_code, grid.district_name, grid.district_pinyin, grid.street_code, grid.street_name,
              grid.street_pinyin, grid.community_code, grid.community_name, grid.community_pinyin, grid.polygon)
         is distinct from (excluded.name, excluded.district_code, excluded.district_name, excluded.district_pinyin, excluded.street_code,
              excluded.street_name, excluded.street_pinyin, excluded.community_code, excluded.community_name, excluded.community_pinyin, excluded.polygon)`,
      [
        g.map((x) => x.code),
        g.map((x) => x.name),
        g.map((x) => x.districtCode),
        g.map((x) => x.districtName),
        g.map((x) => x.districtPinyin),
        g.map((x) => x.streetCode),
        g.map((x) => x.streetName),
        g.map((x) => x.streetPinyin),
        g.map((x) => x.communityCode),
        g.map((x) => x.communityName),
        g.map((x) => x.communityPinyin),
        g.map((x) => JSON.stringify(x.polygon)),
        g.map((x) => x.minLon),
        g.map((x) => x.minLat),
        g.map((x) => x.maxLon),
        g.map((x) => x.maxLat),
      ],
    );

    await client.query(
      `insert into public.person (code, name, role, phone, department_code, grid_code)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       on conflict (code) do update set name = excluded.name, role = excluded.role, phone = excluded.phone,
         department_code = excluded.department_code, grid_code = excluded.grid_code
       where (person.name, person.role, person.phone, person.department_code, person.grid_code)
         is distinct from (excluded.name, excluded.role, excluded.phone, excluded.department_code, excluded.grid_code)`,
      [
        people.map((x) => x.code),
        people.map((x) => x.name),
        people.map((x) => x.role),
        people.map((x) => x.phone),
        people.map((x) => x.departmentCode),
        people.map((x) => x.gridCode),
      ],
    );
    if (ownTransaction) await client.query('commit');
  } catch (error) {
    if (ownTransaction) await client.query('rollback');
    throw error;
  }
  return { departments: DEPARTMENTS.length, grids: city.grids.length, people: people.length };
}
