/**
 * Citizens, grid workers and the hotline reporting across the city at a
 * steady rate. The first reports are a tour that reaches every routing level
 * (grid, one department, joint handling), the failing department, the picky
 * one and a merged duplicate; after that categories, severities and places
 * are drawn at random.
 */
import type pg from 'pg';
import { CATEGORIES } from '../orm/seed/catalogue';
import type { Prng } from '../orm/seed/prng';
import type { People } from './people';

type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
type Channel = 'citizen' | 'grid_worker' | 'hotline';

interface Place {
  readonly grid: string;
  readonly lon: number;
  readonly lat: number;
}

interface Planned {
  readonly channel: Channel;
  readonly category: string;
  readonly severity: Severity;
  /** Same place as the report before: a near-duplicate. */
  readonly again?: boolean;
}

export const TOUR: readonly Planned[] = [
  { channel: 'citizen', category: 'road_damage', severity: 'MEDIUM' },
  { channel: 'grid_worker', category: 'neighbour_dispute', severity: 'LOW' },
  { channel: 'citizen', category: 'illegal_parking', severity: 'MEDIUM' },
  { channel: 'hotline', category: 'pipe_leak', severity: 'CRITICAL' },
  { channel: 'citizen', category: 'garbage', severity: 'LOW' },
  { channel: 'hotline', category: 'garbage', severity: 'MEDIUM', again: true },
  { channel: 'citizen', category: 'food_safety', severity: 'MEDIUM' },
  { channel: 'grid_worker', category: 'tree_damage', severity: 'LOW' },
];

const SEVERITIES: readonly Severity[] = ['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'HIGH', 'CRITICAL'];
const CHANNELS: readonly Channel[] = ['citizen', 'citizen', 'citizen', 'grid_worker', 'hotline'];
const HOTLINE_DESK = 'clerk-command_center-001';

const REPORT = `mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id status } }`;

export interface ReportedEvent {
  readonly id: string;
  /** The citizen who may give feedback; undefined for a grid worker's own report. */
  readonly citizen: string | undefined;
}

export interface LoadStats {
  reported: number;
  failed: number;
  readonly byChannel: Record<Channel, number>;
}

export interface Load {
  readonly stats: LoadStats;
  readonly reported: ReportedEvent[];
  stop(): void;
}

export interface LoadOptions {
  readonly db: pg.ClientBase | pg.Pool;
  readonly people: People;
  readonly rng: Prng;
  readonly reportsPerMinute: number;
  readonly onError: (error: unknown) => void;
}

export async function startLoad(options: LoadOptions): Promise<Load> {
  const { people, rng } = options;
  const places = await samplePlaces(options.db);
  const citizens = (await options.db.query<{ code: string }>(`select code from public.person where role = 'citizen' order by code limit 500`)).rows.map((row) => row.code);
  if (places.length === 0 || citizens.length === 0) throw new Error('the city is not seeded: no grids or no citizens');
  const categories = Object.keys(CATEGORIES);
  const stats: LoadStats = { reported: 0, failed: 0, byChannel: { citizen: 0, grid_worker: 0, hotline: 0 } };
  const reported: ReportedEvent[] = [];
  let count = 0;
  let last: Place = rng.pick(places);

  const reportOne = async (): Promise<void> => {
    const planned: Planned = TOUR[count] ?? { channel: rng.pick(CHANNELS), category: rng.pick(categories), severity: rng.pick(SEVERITIES) };
    count++;
    const place = planned.again === true ? { ...last, lat: last.lat + 0.00005 } : rng.pick(places);
    last = place;
    const citizen = planned.channel === 'grid_worker' ? undefined : rng.pick(citizens);
    const reporter = planned.channel === 'grid_worker' ? `gw-${place.grid}` : planned.channel === 'hotline' ? HOTLINE_DESK : (citizen as string);
    const input = {
      category: planned.category,
      severity: planned.severity,
      description: `${CATEGORIES[planned.category as keyof typeof CATEGORIES] ?? planned.category}, reported in the demonstration`,
      lon: place.lon,
      lat: place.lat,
      ...(planned.channel === 'hotline' && { reporterCode: citizen, address: `called in about grid ${place.grid}` }),
    };
    try {
      const person = await people.as(reporter);
      const { reportEvent } = await person.request<{ reportEvent: { id: string } }>(REPORT, { input });
      reported.push({ id: reportEvent.id, citizen });
      stats.reported++;
      stats.byChannel[planned.channel]++;
    } catch (error) {
      stats.failed++;
      options.onError(error);
    }
  };

  const intervalMs = 60_000 / options.reportsPerMinute;
  void reportOne();
  const timer = setInterval(() => void reportOne(), intervalMs);
  return { stats, reported, stop: () => clearInterval(timer) };
}

/** A spread of grids over the whole city, each with a point inside it (the mean of its corners: the cells are convex). */
async function samplePlaces(db: pg.ClientBase | pg.Pool): Promise<Place[]> {
  const { rows } = await db.query<{ code: string; polygon: number[][][] }>(
    `select code, polygon from (select code, polygon, row_number() over (order by code) as n from public.grid) g where n % 23 = 1`,
  );
  return rows.map((row) => {
    const ring = row.polygon[0].slice(0, -1);
    return { grid: row.code, lon: ring.reduce((sum, p) => sum + p[0], 0) / ring.length, lat: ring.reduce((sum, p) => sum + p[1], 0) / ring.length };
  });
}
