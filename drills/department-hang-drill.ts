/**
 * A department whose system hangs — it accepts the connection and never
 * answers — while the whole service runs and citizens report events for it
 * and for another department. The other department's events must go on to
 * their clerk's task and to closure meanwhile; the hung department's calls
 * end at the client's time-out, hold no more than their share of the worker's
 * job slots, and fail their job with one retry spent (the engine offers it
 * again after a back-off; five failures in a row would raise an incident);
 * once the department answers again, its events go on, each acted on once.
 */
import pg from 'pg';
import { People, type Person } from '../demo/people';
import { DEFAULT_DEPARTMENT_CLIENT } from '../workers/departments/department-client';
import { startDrillDepartment, type DrillDepartment } from './department-system';
import { Checks, startDrillService, waitFor, type DrillService } from './harness';

export interface DepartmentHangOptions {
  /** Events for the hung department: more than the calls one worker process lets wait on a department, so some are refused as busy. */
  readonly hungEvents?: number;
  /** Events for the department that answers. */
  readonly promptEvents?: number;
  readonly checks?: Checks;
}

/** A department reached for every event of its category (processes/route-event.dmn), with its category. */
const HUNG = { department: 'roads', category: 'manhole_cover' } as const;
const PROMPT = { department: 'urban_management', category: 'illegal_parking' } as const;
const CITIZEN = 'citizen-000001';
const HANDLE_FORM = 'grid-dispatch-handle';
const VERIFY_FORM = 'grid-dispatch-verify';
/** retries="5" on notify-department in processes/grid-event.bpmn. */
const MODEL_RETRIES = 5;

const REPORT = 'mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id } }';
const QUEUE = 'query Queue { tasks(filter: { myGroups: true }, first: 100) { edges { node { id formKey event { id } } } } }';
const CLAIM = 'mutation Claim($id: ID!) { claimTask(id: $id) { id } }';
const COMPLETE = 'mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }';

interface Place {
  readonly grid: string;
  readonly lon: number;
  readonly lat: number;
}

interface Reported extends Place {
  readonly eventId: string;
}

export async function runDepartmentHangDrill(options: DepartmentHangOptions = {}): Promise<Checks> {
  const checks = options.checks ?? new Checks();
  const hungCount = options.hungEvents ?? DEFAULT_DEPARTMENT_CLIENT.maxInFlightPerDepartment + 2;
  const promptCount = options.promptEvents ?? 4;
  let drill: DrillService | undefined;
  let pool: pg.Pool | undefined;
  const departments: DrillDepartment[] = [];
  try {
    // A failed notification is offered again after 0.2 s (doubled per failure) instead of 10 s, so the drill sees it within a minute.
    drill = await startDrillService({ env: { NOTIFY_RETRY_BACKOFF_MS: '200' } });
    pool = new pg.Pool({ connectionString: await drill.databaseUrl(), max: 2 });
    const db = pool;
    const hung = await startDrillDepartment(HUNG.department, 'hang');
    const prompt = await startDrillDepartment(PROMPT.department, 'answer');
    departments.push(hung, prompt);
    for (const department of departments) await db.query('update public.department set api_endpoint = $2 where code = $1', [department.code, department.url]);

    const people = new People(drill.apiUrl);
    const citizen = await people.as(CITIZEN);
    // One grid per event, far apart: reports of one category close together would be merged into one event.
    const places = await spreadPlaces(db, hungCount + promptCount);
    const report = async (category: string, place: Place): Promise<Reported> => {
      const input = { category, severity: 'MEDIUM', description: `${category} reported in the department drill`, lon: place.lon, lat: place.lat };
      const { reportEvent } = await citizen.request<{ reportEvent: { id: string } }>(REPORT, { input });
      return { ...place, eventId: reportEvent.id };
    };
    const hangStarted = Date.now();
    const hungReported: Reported[] = [];
    const promptReported: Reported[] = [];
    // Interleaved, as a city reports: the hung department's events are in the workers' hands before the others'.
    for (let i = 0; i < Math.max(hungCount, promptCount); i++) {
      if (i < hungCount) hungReported.push(await report(HUNG.category, places[i]));
      if (i < promptCount) promptReported.push(await report(PROMPT.category, places[hungCount + i]));
    }
    const since = (at: number): string => `${((Date.now() - at) / 1000).toFixed(1)} s`;
    checks.note(`${hungCount} ${HUNG.category} events for ${HUNG.department} (hanging), ${promptCount} ${PROMPT.category} events for ${PROMPT.department} (answering)`);

    const promptIds = promptReported.map((event) => event.eventId);
    const hungIds = hungReported.map((event) => event.eventId);
    const promptTasks = await waitFor('the answering department\'s events to reach their tasks', 180_000, async () => {
      const tasks = await openTasks(db, promptIds, HANDLE_FORM);
      return tasks.size === promptIds.length ? tasks : undefined;
    }, 250).catch(() => new Map<string, string>());
    const hungTasksMeanwhile = await openTasks(db, hungIds, HANDLE_FORM);
    checks.check(
      `${PROMPT.department}'s events reached their clerk's task while ${HUNG.department} hung`,
      promptTasks.size === promptIds.length && hungTasksMeanwhile.size === 0,
      `${promptTasks.size} of ${promptIds.length} handling tasks created within ${since(hangStarted)} of the first report; ${hungTasksMeanwhile.size} of the hung department's (${hung.hung} requests hanging so far)`,
    );

    // One of them all the way to closure while the department still hangs: clerk resolves, grid worker verifies.
    const first = promptReported[0];
    const closedAt = Date.now();
    const closed = await closeEvent(people, db, first, `clerk-${PROMPT.department}-001`).then(
      () => true,
      (error: unknown) => {
        checks.note(`closing event ${first.eventId} failed: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    );
    const stillHanging = (await openTasks(db, hungIds, HANDLE_FORM)).size === 0;
    checks.check(`a ${PROMPT.department} event went on to CLOSED meanwhile`, closed && stillHanging, closed ? `event ${first.eventId} closed in ${since(closedAt)}; ${HUNG.department} still hanging` : 'not closed');

    // The hung department's calls end at the client's time-out, and its job fails with one retry spent.
    const failed = await waitFor('a notification of the hung department to fail its job', 180_000, async () => {
      const failures = await jobFailures(db, hungIds);
      return failures.spent > 0 ? failures : undefined;
    }, 500).catch(() => ({ spent: 0, busy: 0, lowestRetries: MODEL_RETRIES }));
    checks.check(
      'the hung calls timed out and failed their job with a retry spent',
      failed.spent > 0 && failed.lowestRetries > 0,
      `${failed.spent} notify-department jobs failed after ${DEFAULT_DEPARTMENT_CLIENT.maxAttempts} unanswered attempts of ${DEFAULT_DEPARTMENT_CLIENT.attemptTimeoutMs / 1000} s, ${since(hangStarted)} after the first report; fewest retries left ${failed.lowestRetries} of ${MODEL_RETRIES}, so no incident yet`,
    );
    const slots = DEFAULT_DEPARTMENT_CLIENT.maxInFlightPerDepartment;
    checks.check(
      'calls waiting on the hung department stayed bounded',
      hung.mostWaiting <= slots && (hungCount <= slots || failed.busy > 0),
      `at most ${hung.mostWaiting} requests waited at once (limit ${slots}); ${failed.busy} jobs refused as busy and offered again with their retries kept`,
    );
    const ready = await fetch(`${drill.apiUrl}/readyz`).then((response) => response.status, () => 0);
    checks.check('the service stayed ready', ready === 200, `/readyz answered ${ready || 'nothing'} during the hang`);

    // The department answers again: its events go on without anyone stepping in.
    hung.setMode('answer');
    const recoveredAt = Date.now();
    const hungTasks = await waitFor('the hung department\'s events to reach their tasks', 180_000, async () => {
      const tasks = await openTasks(db, hungIds, HANDLE_FORM);
      return tasks.size === hungIds.length ? tasks : undefined;
    }, 250).catch(async () => openTasks(db, hungIds, HANDLE_FORM));
    checks.check(
      `once ${HUNG.department} answered again its events went on`,
      hungTasks.size === hungIds.length,
      `${hungTasks.size} of ${hungIds.length} handling tasks created within ${since(recoveredAt)} of the department answering`,
    );
    const incidents = await incidentCount(db, [...hungIds, ...promptIds]);
    checks.check('no incident was raised', incidents === 0, `${incidents} incidents on the drill's instances`);

    const appliedPerEvent = (department: DrillDepartment, id: string): number => department.applied.filter((key) => key.startsWith(`grid-event-${id}-`)).length;
    const notOnce = [...hungReported.map((event) => [hung, event.eventId] as const), ...promptReported.map((event) => [prompt, event.eventId] as const)]
      .filter(([department, id]) => appliedPerEvent(department, id) !== 1)
      .map(([, id]) => id);
    const hungRequests = [...hung.requests.values()].reduce((sum, n) => sum + n, 0);
    checks.check(
      'each department acted on each event once',
      notOnce.length === 0,
      `${hung.applied.length + prompt.applied.length} notifications applied; ${HUNG.department} was sent ${hungRequests} requests for ${hung.requests.size} keys (a retry repeats its key)${notOnce.length > 0 ? `; not once: ${notOnce.join(', ')}` : ''}`,
    );
    return checks;
  } finally {
    await pool?.end();
    if (drill) {
      const code = await drill.stop();
      checks.check('service stopped cleanly afterwards', code === 0, `exit code ${code}`);
    }
    for (const department of departments) await department.close();
  }
}

/** Grid centres spread over the city, `count` of them (each cell is convex: the mean of its corners lies inside). */
async function spreadPlaces(db: pg.Pool, count: number): Promise<Place[]> {
  const { rows } = await db.query<{ code: string; polygon: number[][][] }>(
    `select code, polygon from (select code, polygon, row_number() over (order by code) as n, count(*) over () as total from public.grid) g
      where (n - 1) % greatest(1, total / $1) = 0 order by code limit $1`,
    [count],
  );
  if (rows.length < count) throw new Error(`the city has ${rows.length} grids; the drill needs ${count}`);
  return rows.map((row) => {
    const ring = row.polygon[0].slice(0, -1);
    return { grid: row.code, lon: ring.reduce((sum, p) => sum + p[0], 0) / ring.length, lat: ring.reduce((sum, p) => sum + p[1], 0) / ring.length };
  });
}

/** Event id → id of its open task of this form. */
async function openTasks(db: pg.Pool, eventIds: readonly string[], formKey: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ event_id: string; id: string }>(
    `select event_id::text, id::text from public.task where event_id = any($1::bigint[]) and form_key = $2 and state = 'CREATED'`,
    [eventIds, formKey],
  );
  return new Map(rows.map((row) => [row.event_id, row.id]));
}

/** notify-department jobs of these events failed: with a retry spent (the department did not answer), and refused as busy (retries kept). */
async function jobFailures(db: pg.Pool, eventIds: readonly string[]): Promise<{ spent: number; busy: number; lowestRetries: number }> {
  const { rows } = await db.query<{ retries: number; n: number }>(
    `select (r.value->>'retries')::int as retries, count(*)::int as n
       from engine.record r join public.grid_event e on e.process_instance_key = r.process_instance_key
      where e.id = any($1::bigint[]) and r.value_type = 'JOB' and r.intent = 'FAILED' and r.value->>'type' = 'notify-department'
      group by 1`,
    [eventIds],
  );
  const spent = rows.filter((row) => row.retries < MODEL_RETRIES);
  return {
    spent: spent.reduce((sum, row) => sum + row.n, 0),
    busy: rows.filter((row) => row.retries === MODEL_RETRIES).reduce((sum, row) => sum + row.n, 0),
    lowestRetries: Math.min(MODEL_RETRIES, ...rows.map((row) => row.retries)),
  };
}

async function incidentCount(db: pg.Pool, eventIds: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from engine.record r join public.grid_event e on e.process_instance_key = r.process_instance_key
      where e.id = any($1::bigint[]) and r.value_type = 'INCIDENT' and r.intent = 'CREATED'`,
    [eventIds],
  );
  return rows[0]?.n ?? 0;
}

/** Through the API as the people do it: the clerk resolves, the grid's worker verifies on site; then the event is CLOSED. */
async function closeEvent(people: People, db: pg.Pool, event: Reported, clerkCode: string): Promise<void> {
  const clerk = await people.as(clerkCode);
  const handle = await queueTask(clerk, event.eventId, HANDLE_FORM);
  await clerk.request(CLAIM, { id: handle });
  await clerk.request(COMPLETE, { id: handle, outcome: 'RESOLVED' });
  const gridWorker = await people.as(`gw-${event.grid}`);
  const verify = await queueTask(gridWorker, event.eventId, VERIFY_FORM);
  await gridWorker.request(CLAIM, { id: verify });
  await gridWorker.request(COMPLETE, { id: verify, variables: { verified: true } });
  await waitFor(`event ${event.eventId} to close`, 120_000, async () => {
    const { rows } = await db.query<{ status: string }>('select status from public.grid_event where id = $1', [event.eventId]);
    return rows[0]?.status === 'CLOSED' ? true : undefined;
  }, 250);
}

async function queueTask(person: Person, eventId: string, formKey: string): Promise<string> {
  return waitFor(`${formKey} task of event ${eventId} in ${person.code}'s queue`, 120_000, async () => {
    const { tasks } = await person.request<{ tasks: { edges: { node: { id: string; formKey: string; event: { id: string } | null } }[] } }>(QUEUE);
    return tasks.edges.map((edge) => edge.node).find((task) => task.event?.id === eventId && task.formKey === formKey)?.id;
  }, 250);
}
