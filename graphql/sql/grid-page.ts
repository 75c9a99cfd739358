import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';
import type { GridRow } from '../rows';

export interface GridPageQuery {
  readonly district: string | null;
  readonly street: string | null;
  readonly community: string | null;
  /** The code of the last grid of the previous page (from its cursor); undefined for the first page. */
  readonly afterCode: string | number | null | undefined;
  readonly limit: number;
}

/** Grids in code order, keyset-paginated on the code. */
export async function findGridPage(db: Queryable, query: GridPageQuery): Promise<GridRow[]> {
  const params = new Params();
  const where = ['true'];
  if (query.district) where.push(`district_code = ${params.param(query.district)}`);
  if (query.street) where.push(`street_code = ${params.param(query.street)}`);
  if (query.community) where.push(`community_code = ${params.param(query.community)}`);
  if (query.afterCode !== undefined) where.push(`code > ${params.param(query.afterCode)}`);
  const { rows } = await db.query<GridRow>(
    `select code, name, district_code, district_name, street_code, street_name, community_code, community_name,
            district_pinyin, street_pinyin, community_pinyin
       from public.grid where ${where.join(' and ')} order by code limit ${query.limit}`,
    params.values,
  );
  return rows;
}
