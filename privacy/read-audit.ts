import type { Queryable } from '../db/queryable';

export const AUDITED_FIELDS = ['name', 'phone', 'attachment'] as const;
export type AuditedField = (typeof AUDITED_FIELDS)[number];
export type AuditChannel = 'graphql' | 'attachment';

/** One read of one citizen's datum by a member of staff. */
export interface PersonalDataRead {
  readonly readerCode: string;
  readonly readerRole: string;
  /** public.person.id of the citizen; null when the datum is not tied to a registered person (an anonymous report's photo). */
  readonly subjectPersonId: string | null;
  readonly eventId: string | null;
  readonly field: AuditedField;
  /** Shown masked (maskName / maskPhone) rather than in full. */
  readonly masked: boolean;
  readonly channel: AuditChannel;
}

/** Rows per statement; a page of 50 events with names and phones is 100. */
const MAX_BATCH = 1_000;

const INSERT = `
  insert into public.personal_data_read (reader_code, reader_role, subject_person_id, event_id, field, masked, channel)
  select * from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::boolean[], $7::text[])`;

/**
 * Records reads in public.personal_data_read, in batches: every read asked
 * for in one turn of the event loop (a page of events resolves its fields in
 * the same turn; concurrent requests join it) goes in one INSERT. `record`
 * resolves once its batch is committed: a resolver awaits it before it
 * hands the datum out, so nothing is shown that is not on record, and a
 * failed write fails the read.
 */
export class ReadAudit {
  private pending: { read: PersonalDataRead; done: () => void; failed: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: Queryable) {}

  record(read: PersonalDataRead): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ read, done: resolve, failed: reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (let start = 0; start < batch.length; start += MAX_BATCH) {
      const part = batch.slice(start, start + MAX_BATCH);
      const reads = part.map((entry) => entry.read);
      try {
        await this.db.query(INSERT, [
          reads.map((r) => r.readerCode),
          reads.map((r) => r.readerRole),
          reads.map((r) => r.subjectPersonId),
          reads.map((r) => r.eventId),
          reads.map((r) => r.field),
          reads.map((r) => r.masked),
          reads.map((r) => r.channel),
        ]);
        for (const entry of part) entry.done();
      } catch (error) {
        for (const entry of part) entry.failed(error);
      }
    }
  }
}

const writers = new WeakMap<Queryable, ReadAudit>();

/** One writer per database handle, so that every request of a process shares its batches. */
export function readAuditOf(db: Queryable): ReadAudit {
  let audit = writers.get(db);
  if (audit === undefined) writers.set(db, (audit = new ReadAudit(db)));
  return audit;
}
