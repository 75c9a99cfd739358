import type { EntityManager } from '@mikro-orm/postgresql';
import { FINAL_EVENT_STATUSES, type EventStatus } from '../../orm/entities/vocabulary';
import { nameOf } from '../categories';
import { IntakeError } from '../errors';

/** A grid event as Open311 GeoReport v2 shows a service request. */
export interface ServiceRequest {
  service_request_id: string;
  status: Open311Status;
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
  /** Extensions: the service's own status word and the grid the event lies in. */
  detailed_status: EventStatus;
  grid_code: string | null;
}

export type Open311Status = 'open' | 'closed';

/** Open311 knows open and closed; every final status is closed. */
export function open311StatusOf(status: EventStatus): Open311Status {
  return FINAL_EVENT_STATUSES.includes(status) ? 'closed' : 'open';
}

export interface RequestFilters {
  readonly ids?: readonly number[];
  readonly serviceCodes?: readonly string[];
  readonly start?: Date;
  readonly end?: Date;
  readonly statuses?: readonly Open311Status[];
}

/** Open311's defaults: the last 90 days when no dates are given, at most 1,000 requests. */
const DEFAULT_WINDOW_MS = 90 * 24 * 3600 * 1000;
const MAX_RESULTS = 1_000;

interface Row {
  id: string | number;
  status: EventStatus;
  category: string;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  grid_code: string | null;
  reported_at: Date;
  updated_at: Date;
  sla_due_at: Date | null;
  note: string | null;
  agency: string | null;
}

const SELECT = `
  select e.id, e.status, e.category, e.description, e.address, e.lon, e.lat, e.grid_code,
         e.reported_at, e.updated_at, e.sla_due_at,
         (select t.note from public.grid_event_transition t where t.event_id = e.id order by t.at desc, t.id desc limit 1) as note,
         (select string_agg(d.name, ', ' order by d.name) from public.department d where d.code = any(e.departments)) as agency
    from public.grid_event e`;

export async function findRequests(em: EntityManager, filters: RequestFilters): Promise<ServiceRequest[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.ids !== undefined) {
    // Asking by id overrides the other filters, as the specification says.
    where.push(`e.id in (${placeholders(filters.ids)})`);
    params.push(...filters.ids);
  } else {
    const end = filters.end ?? new Date();
    const start = filters.start ?? new Date((filters.end ?? end).getTime() - DEFAULT_WINDOW_MS);
    where.push(`e.reported_at >= ?`, `e.reported_at <= ?`);
    params.push(start, end);
    if (filters.serviceCodes !== undefined) {
      where.push(`e.category in (${placeholders(filters.serviceCodes)})`);
      params.push(...filters.serviceCodes);
    }
    if (filters.statuses !== undefined && filters.statuses.length === 1) {
      const finals = FINAL_EVENT_STATUSES.map((s) => `'${s}'`).join(', ');
      where.push(filters.statuses[0] === 'closed' ? `e.status in (${finals})` : `e.status not in (${finals})`);
    }
  }
  params.push(MAX_RESULTS);
  const rows = await em.fork().execute<Row[]>(`${SELECT} where ${where.join(' and ')} order by e.reported_at desc, e.id desc limit ?`, params);
  return rows.map(toServiceRequest);
}

export async function findRequest(em: EntityManager, id: number): Promise<ServiceRequest> {
  const [found] = await findRequests(em, { ids: [id] });
  if (found === undefined) throw new IntakeError('NOT_FOUND', `service request ${id}: not found`, 'service_request_id');
  return found;
}

/** One placeholder per value: the driver would expand an array parameter into a list of its own. */
function placeholders(values: readonly unknown[]): string {
  return values.length === 0 ? 'null' : values.map(() => '?').join(', ');
}

function toServiceRequest(row: Row): ServiceRequest {
  return {
    service_request_id: String(row.id),
    status: open311StatusOf(row.status),
    status_notes: row.note,
    service_name: nameOf(row.category),
    service_code: row.category,
    description: row.description,
    agency_responsible: row.agency,
    service_notice: null,
    requested_datetime: iso(row.reported_at),
    updated_datetime: iso(row.updated_at),
    expected_datetime: row.sla_due_at === null ? null : iso(row.sla_due_at),
    address: row.address,
    address_id: null,
    zipcode: null,
    lat: row.lat,
    long: row.lon,
    media_url: null,
    detailed_status: row.status,
    grid_code: row.grid_code,
  };
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
