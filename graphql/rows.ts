/**
 * Rows as the API's SQL selects them. bigint columns arrive as strings (pg's
 * default), which is also what GraphQL's ID carries.
 */
export interface GridRow {
  readonly code: string;
  readonly name: string;
  readonly district_code: string;
  readonly district_name: string;
  readonly street_code: string;
  readonly street_name: string;
  readonly community_code: string;
  readonly community_name: string;
  readonly district_pinyin: string;
  readonly street_pinyin: string;
  readonly community_pinyin: string;
  /** GeoJSON polygon coordinates: [outer ring of [lon, lat], holes…]; only from the by-code loader. */
  readonly polygon?: number[][][];
}

export interface DepartmentRow {
  readonly code: string;
  readonly name: string;
  readonly categories: string[];
}

export interface PersonRow {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly role: string;
  readonly phone: string | null;
  readonly department_code: string | null;
  readonly grid_code: string | null;
  /** The event through which the API hands out a citizen's row (its reporter, a timeline entry's actor): whose handlers may read it in full. */
  readonly contactOf?: string;
}

export interface EventRow {
  readonly id: string;
  readonly source: string;
  readonly category: string;
  readonly description: string;
  readonly severity: string;
  readonly lon: number;
  readonly lat: number;
  readonly address: string | null;
  readonly reporter_id: string | null;
  readonly grid_code: string | null;
  readonly status: string;
  readonly escalated: boolean;
  readonly sla_due_at: Date | null;
  readonly process_instance_key: string | null;
  readonly duplicate_of_id: string | null;
  readonly level: string | null;
  readonly departments: string[];
  readonly accepted_at: Date | null;
  readonly breached_at: Date | null;
  readonly closed_at: Date | null;
  readonly reported_at: Date;
  readonly updated_at: Date;
}

export const EVENT_COLUMNS = `e.id, e.source, e.category, e.description, e.severity, e.lon, e.lat, e.address, e.reporter_id, e.grid_code, e.status,
  e.escalated, e.sla_due_at, e.process_instance_key, e.duplicate_of_id, e.level, e.departments, e.accepted_at, e.breached_at, e.closed_at,
  e.reported_at, e.updated_at`;

export interface TransitionRow {
  readonly id: string;
  readonly event_id: string;
  readonly from_status: string | null;
  readonly to_status: string;
  readonly escalated: boolean;
  /** The person who made the change; null for the service's own steps. */
  readonly actor_id: string | null;
  readonly note: string | null;
  readonly at: Date;
}

export interface AttachmentRow {
  readonly id: string;
  readonly event_id: string;
  readonly kind: string;
  readonly content_type: string;
  readonly size: string;
  readonly sha256: string;
  readonly created_at: Date;
}

export interface FeedbackRow {
  readonly id: string;
  readonly event_id: string;
  readonly citizen_id: string | null;
  /** The citizen's own report that was merged into this event; null for the reporter's round. */
  readonly merged_report_id: string | null;
  readonly satisfied: boolean | null;
  readonly score: number | null;
  readonly comment: string | null;
  readonly created_at: Date;
}
