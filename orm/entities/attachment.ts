import { defineEntity, p } from '@mikro-orm/core';
import { GridEvent } from './grid-event';
import { ATTACHMENT_KINDS } from './vocabulary';

const AttachmentSchema = defineEntity({
  name: 'Attachment',
  tableName: 'attachment',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    event: () => p.manyToOne(GridEvent).fieldName('event_id'),
    kind: p.enum(ATTACHMENT_KINDS).columnType('text'),
    contentType: p.text(),
    size: p.bigint('number'),
    /** Lower-case hex; the content is stored by this hash, so equal files are kept once. */
    sha256: p.text(),
    /** Where the content lies in the attachment store (a path relative to it by default). */
    storageKey: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A photo, voice message or video attached to a report. The content lives in the attachment store. */
export class Attachment extends AttachmentSchema.class {}
AttachmentSchema.setClass(Attachment);
