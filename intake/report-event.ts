import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import { Attachment, Grid, GridEvent, GridEventTransition, Person } from '../orm/entities';
import type { AttachmentKind, EventStatus } from '../orm/entities/vocabulary';
import type { AddressPlacer } from './address-placement';
import type { AttachmentStore, StoredContent } from './attachment-store';
import { isKnownCategory } from './categories';
import { IntakeError } from './errors';
import type { ProcessStarts } from './process-start';
import { stripMetadata } from './strip-metadata';
import { checkReport, DEFAULT_LIMITS, type CheckedAttachment, type CheckedReport, type IntakeLimits, type ReportInput } from './validate-report';

/** What the intake needs of the grid index (orm/geo/grid-index.ts). */
export interface GridFinder {
  findGrid(lon: number, lat: number): string | undefined;
}

interface Placed {
  readonly gridCode: string;
  readonly lon: number;
  readonly lat: number;
  /** For the timeline, when the point is not the one reported as it was. */
  readonly note: string | undefined;
}

export interface ReportedEvent {
  readonly eventId: number;
  readonly status: EventStatus;
  readonly gridCode: string;
  /** Undefined when the start failed and waits in the outbox. */
  readonly processInstanceKey: string | undefined;
  readonly attachments: readonly { id: number; kind: AttachmentKind; contentType: string; size: number; sha256: string }[];
}

export interface IntakeServiceOptions {
  readonly em: EntityManager;
  readonly grids: GridFinder;
  /** Places reports that give an address and no coordinates; without one, such reports are refused. */
  readonly places?: AddressPlacer;
  readonly store: AttachmentStore;
  readonly starts: ProcessStarts;
  readonly logger: Logger;
  readonly limits?: Partial<IntakeLimits>;
}

/**
 * The one intake behind every channel (Open311, GraphQL for the app and grid
 * workers). A report is checked in full first; then its attachments are made
 * durable in the store, then the event, its first timeline entry, its
 * attachment rows and its outbox row commit in one transaction; only then is
 * the grid-event process started. Nothing is acknowledged before it is durable,
 * and a failed transaction takes back the files it alone brought.
 */
export class IntakeService {
  readonly limits: IntakeLimits;

  constructor(private readonly options: IntakeServiceOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** An attachment's content, by its storage key (public.attachment.storage_key); who may read it is the caller's to check. */
  attachmentContent(storageKey: string): Promise<Buffer> {
    return this.options.store.read(storageKey);
  }

  /** Removes stored content no attachment row refers to any more (retention, erasure); absent content is no error. */
  remove(storageKey: string): Promise<void> {
    return this.options.store.remove(storageKey);
  }

  async reportEvent(input: ReportInput): Promise<ReportedEvent> {
    const checked = checkReport(input, this.limits);
    const placed = this.place(checked);
    const em = this.options.em.fork();
    if (!(await isKnownCategory(em, checked.category))) {
      throw new IntakeError('UNKNOWN_CATEGORY', `category: no department handles ${JSON.stringify(checked.category)}`, 'category');
    }
    let reporter: Person | null = null;
    if (checked.reporterCode !== undefined) {
      reporter = await em.findOne(Person, { code: checked.reporterCode });
      if (reporter === null) throw new IntakeError('UNKNOWN_REPORTER', `reporter: no person ${JSON.stringify(checked.reporterCode)}`, 'reporter');
    }
    // Photos lose their metadata before anything is stored (strip-metadata.ts), one at a time: decoding is the costly part.
    const attachments: CheckedAttachment[] = [];
    for (const [i, attachment] of checked.attachments.entries()) attachments.push(await stripMetadata(attachment, `attachments[${i}]`));
    const report: CheckedReport = { ...checked, attachments };

    const stored: StoredContent[] = [];
    let event: GridEvent;
    let rows: Attachment[];
    try {
      for (const attachment of report.attachments) stored.push(await this.options.store.put(attachment.content));
      ({ event, attachments: rows } = await this.persist(em, report, placed, reporter, stored));
    } catch (error) {
      await this.takeBack(stored);
      throw error;
    }

    const processInstanceKey = await this.options.starts.start(event.id);
    return {
      eventId: event.id,
      status: event.status,
      gridCode: placed.gridCode,
      processInstanceKey,
      attachments: rows.map(({ id, kind, contentType, size, sha256 }) => ({ id, kind, contentType, size, sha256 })),
    };
  }

  /** The grid and point a report goes to: its own coordinates, else the division its address names. */
  private place(report: CheckedReport): Placed {
    const { location } = report;
    if (location !== undefined) {
      const gridCode = this.options.grids.findGrid(location.lon, location.lat);
      if (gridCode === undefined) {
        throw new IntakeError('OUTSIDE_CITY', `location (${location.lon}, ${location.lat}) lies outside every grid of the city`, 'location');
      }
      const note = location.reportedIn === 'WGS84' ? undefined : `coordinates converted from ${location.reportedIn}`;
      return { gridCode, lon: location.lon, lat: location.lat, note };
    }
    const places = this.options.places;
    if (places === undefined || report.address === undefined) throw new IntakeError('MISSING_FIELD', 'lon: required', 'lon');
    const placement = places.place(report.address);
    const note =
      placement.by === 'command_centre'
        ? 'no coordinates, and the address names no street or community of the city: the command centre places it'
        : `no coordinates: placed in ${placement.named} (${placement.by}), which the address names`;
    return { gridCode: placement.gridCode, lon: placement.lon, lat: placement.lat, note };
  }

  private async persist(
    em: EntityManager,
    report: CheckedReport,
    placed: Placed,
    reporter: Person | null,
    stored: readonly StoredContent[],
  ): Promise<{ event: GridEvent; attachments: Attachment[] }> {
    return em.transactional(async (tx) => {
      const event = tx.create(GridEvent, {
        source: report.source,
        category: report.category,
        description: report.description,
        severity: report.severity,
        lon: placed.lon,
        lat: placed.lat,
        address: report.address ?? null,
        reporter,
        grid: tx.getReference(Grid, placed.gridCode),
        status: 'REPORTED',
      });
      tx.create(GridEventTransition, { event, toStatus: 'REPORTED', actor: reporter, note: [`reported through ${report.source}`, placed.note].filter(Boolean).join('; ') });
      const attachments = report.attachments.map((attachment, i) => {
        const content = stored[i];
        if (content === undefined) throw new Error('attachment stored out of step');
        return tx.create(Attachment, {
          event,
          kind: attachment.kind,
          contentType: attachment.contentType,
          size: attachment.size,
          sha256: content.sha256,
          storageKey: content.storageKey,
        });
      });
      await tx.flush();
      await this.options.starts.enqueue(tx, event.id);
      return { event, attachments };
    });
  }

  /** Removes files this report created that no committed attachment refers to. */
  private async takeBack(stored: readonly StoredContent[]): Promise<void> {
    const em = this.options.em.fork();
    for (const content of stored) {
      if (!content.created) continue;
      try {
        if ((await em.count(Attachment, { sha256: content.sha256 })) === 0) await this.options.store.remove(content.storageKey);
      } catch (error) {
        this.options.logger.warn({ err: error, storageKey: content.storageKey }, 'could not remove an attachment of a failed report');
      }
    }
  }
}
