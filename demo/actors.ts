/**
 * The people acting on what the city reports: clerks and grid workers claim
 * and handle their queues' tasks, grid workers verify fixes, the command
 * centre arbitrates and reviews and retries incidents, citizens judge closed
 * events — each after a human-like delay, through the GraphQL API with their
 * own tokens. Nobody reads the database: the command centre's manager (who
 * sees every queue) spots new work, and each task is done by a person of its
 * candidate group.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEPARTMENTS } from '../orm/seed/catalogue';
import type { Prng } from '../orm/seed/prng';
import type { ReportedEvent } from './load';
import type { People } from './people';

export const COMMAND_CENTRE_MANAGER = 'manager-city-1';
const TICK_MS = 2_000;

interface OpenTask {
  readonly id: string;
  readonly formKey: string | null;
  readonly candidateGroups: readonly string[];
  readonly event: { readonly id: string; readonly category: string } | null;
}

const OPEN_TASKS = `query Open($after: String) {
  tasks(filter: { state: CREATED }, sort: CREATED, first: 100, after: $after) {
    edges { node { id formKey candidateGroups event { id category } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CLAIM = `mutation Claim($id: ID!) { claimTask(id: $id) { id } }`;
const COMPLETE = `mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`;
const CLOSED = `query Closed($after: String) {
  events(filter: { status: [CLOSED] }, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;
const FEEDBACK = `mutation Feedback($id: ID!, $feedback: FeedbackInput!) { submitFeedback(eventId: $id, feedback: $feedback) { id } }`;
const INCIDENTS = `{ incidents(first: 100) { edges { node { key createdAt } } } }`;
const RETRY = `mutation Retry($key: ID!) { retryIncident(key: $key) }`;

export interface ActorStats {
  claimed: number;
  resolved: number;
  returned: number;
  verified: number;
  arbitrated: number;
  reviewed: number;
  feedback: number;
  incidentsRetried: number;
  failed: number;
}

export interface Actors {
  readonly stats: ActorStats;
  stop(): Promise<void>;
}

export interface ActorOptions {
  readonly people: People;
  readonly rng: Prng;
  /** Multiplies every delay. */
  readonly pace: number;
  /** Events the demo reported, with the citizen who judges each. */
  readonly reported: readonly ReportedEvent[];
  readonly onError: (error: unknown) => void;
}

export function startActors(options: ActorOptions): Actors {
  const { people, rng } = options;
  const stats: ActorStats = { claimed: 0, resolved: 0, returned: 0, verified: 0, arbitrated: 0, reviewed: 0, feedback: 0, incidentsRetried: 0, failed: 0 };
  const taken = new Set<string>();
  const judged = new Set<string>();
  const retried = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  const controller = new AbortController();
  let gridReturns = 0;
  /** A human-like delay in seconds, scaled by the pace. */
  const delay = (min: number, max: number): Promise<void> =>
    sleep(rng.between(min, max) * 1000 * options.pace, undefined, { signal: controller.signal }).catch(() => undefined);
  const track = (work: Promise<void>): void => {
    const tracked = work.catch((error: unknown) => {
      stats.failed++;
      options.onError(error);
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };

  const work = async (task: OpenTask): Promise<void> => {
    const person = await people.as(actorOf(task, rng));
    await delay(2, 12);
    if (controller.signal.aborted) return;
    await person.request(CLAIM, { id: task.id });
    stats.claimed++;
    await delay(3, 20);
    if (controller.signal.aborted) return;
    const completion = completionOf(task, rng, () => gridReturns++ === 0);
    await person.request(COMPLETE, { id: task.id, ...completion.input });
    stats[completion.counts]++;
  };

  const spotTasks = async (): Promise<void> => {
    const manager = await people.as(COMMAND_CENTRE_MANAGER);
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const { tasks }: { tasks: { edges: { node: OpenTask }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await manager.request(OPEN_TASKS, { after });
      for (const { node } of tasks.edges) {
        if (taken.has(node.id)) continue;
        taken.add(node.id);
        track(work(node));
      }
      if (!tasks.pageInfo.hasNextPage) break;
      after = tasks.pageInfo.endCursor;
    }
  };

  const judgeClosed = async (): Promise<void> => {
    const manager = await people.as(COMMAND_CENTRE_MANAGER);
    const judges = new Map(options.reported.filter((event) => event.citizen !== undefined).map((event) => [event.id, event.citizen as string]));
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const { events }: { events: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await manager.request(CLOSED, { after });
      for (const { node } of events.edges) {
        const citizen = judges.get(node.id);
        if (citizen === undefined || judged.has(node.id)) continue;
        judged.add(node.id);
        track(
          (async () => {
            await delay(3, 15);
            if (controller.signal.aborted) return;
            const satisfied = rng.next() < 0.8;
            const feedback = { satisfied, score: satisfied ? 4 + rng.index(2) : 1 + rng.index(2), comment: satisfied ? 'Fixed, thank you' : 'Still not right' };
            await (await people.as(citizen)).request(FEEDBACK, { id: node.id, feedback });
            stats.feedback++;
          })(),
        );
      }
      if (!events.pageInfo.hasNextPage) break;
      after = events.pageInfo.endCursor;
    }
  };

  /** The command centre retries an incident once it has stood for a while, as an operator would after a look. */
  const retryIncidents = async (): Promise<void> => {
    const manager = await people.as(COMMAND_CENTRE_MANAGER);
    const { incidents } = await manager.request<{ incidents: { edges: { node: { key: string; createdAt: string } }[] } }>(INCIDENTS);
    for (const { node } of incidents.edges) {
      const standing = Date.now() - Date.parse(node.createdAt);
      if (standing < 5_000 * options.pace || (retried.get(node.key) ?? 0) > Date.now() - 10_000) continue;
      retried.set(node.key, Date.now());
      await manager.request(RETRY, { key: node.key });
      stats.incidentsRetried++;
    }
  };

  let running = true;
  const loop = (async () => {
    let tick = 0;
    while (running) {
      for (const step of tick % 2 === 0 ? [spotTasks, judgeClosed] : [spotTasks, retryIncidents]) {
        try {
          await step();
        } catch (error) {
          stats.failed++;
          options.onError(error);
        }
      }
      tick++;
      await sleep(TICK_MS, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();

  return {
    stats,
    stop: async () => {
      running = false;
      controller.abort();
      await loop;
      await Promise.all([...pending]);
    },
  };
}

/** A person of the task's first candidate group. */
function actorOf(task: OpenTask, rng: Prng): string {
  const group = task.candidateGroups[0] ?? 'city-managers';
  if (group === 'city-managers') return COMMAND_CENTRE_MANAGER;
  if (group.startsWith('grid-')) return `gw-${group.slice('grid-'.length)}`;
  return `clerk-${group}-00${1 + rng.index(3)}`;
}

type Counted = 'resolved' | 'returned' | 'verified' | 'arbitrated' | 'reviewed';

/**
 * How the person completes the task, as its form asks (tasks/README.md). The
 * first grid-level handling is returned, so the command centre arbitrates one.
 */
function completionOf(task: OpenTask, rng: Prng, firstGridReturn: () => boolean): { input: Record<string, unknown>; counts: Counted } {
  switch (task.formKey) {
    case 'grid-dispatch-handle':
    case 'grid-dispatch-handle-part': {
      const atGrid = task.candidateGroups.some((group) => group.startsWith('grid-'));
      if ((atGrid && firstGridReturn()) || rng.next() < 0.08) {
        return { input: { outcome: 'RETURNED', variables: { returnReason: 'Not ours: another office handles this' } }, counts: 'returned' };
      }
      return { input: { outcome: 'RESOLVED' }, counts: 'resolved' };
    }
    case 'grid-dispatch-conclude':
      return { input: { outcome: 'RESOLVED' }, counts: 'resolved' };
    case 'grid-dispatch-verify': {
      const verified = rng.next() < 0.9;
      return { input: { variables: { verified, verificationNote: verified ? 'Checked on site: fixed' : 'Checked on site: not fixed yet' } }, counts: 'verified' };
    }
    case 'grid-dispatch-arbitrate': {
      const category = task.event?.category;
      const department = DEPARTMENTS.find((d) => category !== undefined && d.categories.some((c) => c === category)) ?? DEPARTMENTS[0];
      return { input: { variables: { assignment: { level: 'DEPARTMENT', departments: [department.code] } } }, counts: 'arbitrated' };
    }
    case 'grid-dispatch-review':
      return { input: { variables: { reviewNote: 'Called the citizen back; explained what was done' } }, counts: 'reviewed' };
    default:
      return { input: {}, counts: 'resolved' };
  }
}
