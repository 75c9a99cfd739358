import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';
import type { PolygonCoordinates } from '../../orm/entities/grid';

export interface GridShapeRow {
  readonly code: string;
  readonly name: string;
  readonly district_code: string;
  readonly district_name: string;
  readonly polygon: PolygonCoordinates;
}

/** Every grid's outline, in code order (districts come out grouped, as codes start with theirs). */
export async function findGridShapes(db: Queryable): Promise<GridShapeRow[]> {
  const { rows } = await db.query<GridShapeRow>('select code, name, district_code, district_name, polygon from public.grid order by code');
  return rows;
}

/**
 * What changes when any grid is added, removed, renamed or moved: the codes,
 * the names and the bounding boxes, cheap to read without the polygons.
 */
export async function findGridFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ fingerprint: string }>(
    `select count(*)::text || ':' || coalesce(md5(string_agg(code || '|' || name || '|' || district_name || '|' ||
            min_lon::text || ',' || min_lat::text || ',' || max_lon::text || ',' || max_lat::text, ';' order by code)), '') as fingerprint
       from public.grid`,
  );
  return rows[0].fingerprint;
}

export interface GridFiguresRow {
  readonly grid: string;
  readonly open: number;
  readonly breached: number;
  readonly satisfied: number;
  readonly answered: number;
}

/**
 * Per grid with any event in scope: events still open (not closed, merged or
 * rejected), of those the ones past their SLA, and the feedback answers
 * (satisfied, and all answered; no-response rounds are not answers).
 * `scope` is a condition on `e` (the viewer's events).
 */
export async function findGridFigures(db: Queryable, scope: (params: Params) => string): Promise<GridFiguresRow[]> {
  const params = new Params();
  const where = scope(params);
  const { rows } = await db.query<GridFiguresRow>(
    `with ev as (
       select e.id, e.grid_code, e.status, e.breached_at from public.grid_event e
        where e.grid_code is not null and ${where}),
     fb as (
       select f.event_id, count(*) filter (where f.satisfied) as satisfied, count(f.satisfied) as answered
         from public.feedback f join ev on ev.id = f.event_id group by f.event_id)
     select ev.grid_code as grid,
            count(*) filter (where ev.status not in ('CLOSED', 'MERGED', 'REJECTED'))::int as open,
            count(*) filter (where ev.status not in ('CLOSED', 'MERGED', 'REJECTED') and ev.breached_at is not null)::int as breached,
            coalesce(sum(fb.satisfied), 0)::int as satisfied,
            coalesce(sum(fb.answered), 0)::int as answered
       from ev left join fb on fb.event_id = ev.id
      group by ev.grid_code order by ev.grid_code`,
    params.values,
  );
  return rows;
}
