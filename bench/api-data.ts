/**
 * bench:api's data: on top of the seeded city, `historic` closed tasks
 * (COMPLETED, a few CANCELED) and `open` tasks (CREATED, a fifth of them
 * claimed), each with its grid event, spread over the candidate groups the
 * process model uses: a department's code (weighted by the department's staff,
 * which is how the seed spreads the clerks) or a grid's `grid-<code>`.
 *
 * Everything is generated inside PostgreSQL (one temporary table of picks,
 * then one INSERT … SELECT per table), seeded with setseed so every run gets
 * the same rows. Ids are explicit and the identity sequences are moved past
 * them afterwards, so the service's own inserts carry on above them.
 *
 * The rows have no engine jobs behind them: open ones get a lease that never
 * runs out (`lease_expires_at = 'infinity'`), or the task list's lease
 * reconciler would find their jobs gone and cancel them.
 */
import type pg from 'pg';
import { DEPARTMENTS } from '../orm/seed/catalogue';
import { clerksPerDepartment, PEOPLE } from '../orm/seed/people-plan';

/** Share of tasks offered to a department (the rest: a grid worker's handling or verification). */
const DEPARTMENT_SHARE = 0.55;
/** Share of open tasks already claimed by someone. */
const CLAIMED_SHARE = 0.2;
/** Categories that stay in the grid (route-event.dmn, minor disputes and nuisances). */
const GRID_CATEGORIES = ['neighbour_dispute', 'family_dispute', 'noise', 'pet_nuisance', 'garbage_sorting'];
/** Task priorities as route-event.dmn hands them out, roughly as often as they occur. */
const PRIORITIES = [30, 30, 30, 50, 50, 50, 50, 50, 60, 70, 70, 75, 80, 85, 90, 95];
/** Matching SLA hours for each priority above. */
const SLA_HOURS = [120, 120, 120, 72, 72, 72, 72, 72, 24, 24, 24, 24, 24, 8, 4, 2];

export interface GeneratedData {
  readonly historic: number;
  readonly open: number;
  readonly seconds: number;
  readonly analyzeSeconds: number;
}

export async function generateTasks(client: pg.ClientBase, historic: number, open: number): Promise<GeneratedData> {
  // One slot per (department, category) per unit of staff: picking a slot uniformly weights departments by size.
  const slotDepartment: string[] = [];
  const slotCategory: string[] = [];
  const clerks = clerksPerDepartment(DEPARTMENTS, PEOPLE.clerks);
  const slotClerks: number[] = [];
  DEPARTMENTS.forEach((department, i) => {
    for (let s = 0; s < department.staff; s++) {
      const category = department.categories[s % department.categories.length];
      slotDepartment.push(department.code);
      slotCategory.push(category);
      slotClerks.push(clerks[i]);
    }
  });
  const { rows: grids } = await client.query<{ code: string; min_lon: number; min_lat: number; max_lon: number; max_lat: number }>(
    'select code, min_lon, min_lat, max_lon, max_lat from public.grid order by code',
  );
  const { rows: citizens } = await client.query<{ id: string }>(`select id::text from public.person where role = 'citizen' order by id`);

  const total = historic + open;
  const started = performance.now();
  await client.query('begin');
  try {
    await client.query(`select setseed(0.4242)`);
    await client.query(`set local synchronous_commit = off`);
    // Every random pick once, so events and tasks agree.
    await client.query(
      `create temporary table bench_pick on commit drop as
       select n,
              n > $1::int as is_open,
              r_level < $2::float8 as dept,
              1 + floor(r_slot * $3::int)::int as slot,
              1 + floor(r_grid * $4::int)::int as grid,
              1 + floor(r_priority * $5::int)::int as prio,
              r_claimed < $6::float8 as claimed,
              r_cancel < 0.03 as canceled,
              r_clerk, r_lon, r_lat, r_cat, r_citizen,
              case when n > $1::int then now() - r_age * interval '14 days' else now() - interval '14 days' - r_age * interval '700 days' end as created_at,
              r_took
         from (select n, random() as r_level, random() as r_slot, random() as r_grid, random() as r_priority, random() as r_claimed,
                      random() as r_cancel, random() as r_clerk, random() as r_lon, random() as r_lat, random() as r_cat, random() as r_citizen,
                      random() as r_age, random() as r_took
                 from generate_series(1, $7::int) n) r`,
      [historic, DEPARTMENT_SHARE, slotDepartment.length, grids.length, PRIORITIES.length, CLAIMED_SHARE, total],
    );
    await client.query(
      `insert into public.grid_event (id, source, category, description, severity, lon, lat, reporter_id, grid_code, status, escalated,
                                      sla_due_at, level, departments, accepted_at, closed_at, reported_at, updated_at)
       select p.n,
              'citizen_app',
              case when p.dept then ($1::text[])[p.slot] else ($2::text[])[1 + floor(p.r_cat * cardinality($2::text[]))::int] end,
              'generated for bench:api',
              (array['low', 'medium', 'high', 'critical'])[least(4, 1 + p.prio / 5)],
              ($4::float8[])[p.grid] + p.r_lon * (($6::float8[])[p.grid] - ($4::float8[])[p.grid]),
              ($5::float8[])[p.grid] + p.r_lat * (($7::float8[])[p.grid] - ($5::float8[])[p.grid]),
              ($8::bigint[])[1 + floor(p.r_citizen * cardinality($8::bigint[]))::int],
              ($3::text[])[p.grid],
              case when not p.is_open then 'CLOSED' when p.claimed then 'IN_PROGRESS' else 'ROUTED' end,
              false,
              p.created_at + ($9::int[])[p.prio] * interval '1 hour',
              case when p.dept then 'DEPARTMENT' else 'GRID' end,
              case when p.dept then array[($1::text[])[p.slot]] else '{}' end,
              p.created_at,
              case when p.is_open then null else p.created_at + p.r_took * ($9::int[])[p.prio] * interval '1 hour' end,
              p.created_at - interval '2 minutes',
              p.created_at
         from bench_pick p`,
      [
        slotDepartment,
        GRID_CATEGORIES,
        grids.map((g) => g.code),
        grids.map((g) => g.min_lon),
        grids.map((g) => g.min_lat),
        grids.map((g) => g.max_lon),
        grids.map((g) => g.max_lat),
        citizens.map((c) => c.id),
        SLA_HOURS,
      ],
    );
    await client.query(
      `insert into public.task (id, job_key, process_instance_key, element_id, element_instance_key, name, event_id, candidate_groups,
                                assignee, due_at, priority, form_key, state, outcome, created_at, completed_at, lease_expires_at)
       select p.n,
              -p.n, -p.n,
              case when p.dept then 'Task_HandleInDepartment' else 'Task_HandleInGrid' end,
              -p.n,
              case when p.dept then 'Handle in department' else 'Handle in grid' end,
              p.n,
              case when p.dept then array[($1::text[])[p.slot]] else array['grid-' || ($2::text[])[p.grid]] end,
              case when p.is_open and not p.claimed then null
                   when p.dept then 'clerk-' || ($1::text[])[p.slot] || '-' || lpad((1 + floor(p.r_clerk * ($3::int[])[p.slot]))::int::text, 3, '0')
                   else 'gw-' || ($2::text[])[p.grid] end,
              p.created_at + ($4::int[])[p.prio] * interval '1 hour',
              ($5::int[])[p.prio],
              'grid-dispatch-handle',
              case when p.is_open then 'CREATED' when p.canceled then 'CANCELED' else 'COMPLETED' end,
              case when p.is_open or p.canceled then null else 'RESOLVED' end,
              p.created_at,
              case when p.is_open then null else p.created_at + p.r_took * ($4::int[])[p.prio] * interval '1 hour' end,
              case when p.is_open then 'infinity'::timestamptz else p.created_at end
         from bench_pick p`,
      [slotDepartment, grids.map((g) => g.code), slotClerks, SLA_HOURS, PRIORITIES],
    );
    // Tasks this old were announced long ago: their holders' notifications are no part of the load measured.
    await client.query(`do $$ begin if to_regclass('public.task_announcement') is not null then delete from public.task_announcement; end if; end $$`);
    await client.query(`select setval(pg_get_serial_sequence('public.grid_event', 'id'), (select max(id) from public.grid_event))`);
    await client.query(`select setval(pg_get_serial_sequence('public.task', 'id'), (select max(id) from public.task))`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  const analyzeStarted = performance.now();
  // VACUUM as well: sets the visibility map, as autovacuum would have long since on a table this old.
  await client.query('vacuum analyze public.task');
  await client.query('vacuum analyze public.grid_event');
  return { historic, open, seconds, analyzeSeconds: (performance.now() - analyzeStarted) / 1000 };
}
