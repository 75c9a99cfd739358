/**
 * GET /attachments/<id>: an attachment's bytes, to whoever may see its event
 * (the same rule as the event in GraphQL), with the bearer token the API
 * takes. The task list shows photos from it; JSON carries only their
 * metadata. Runs behind the API's rate-limit guard, which has read the token.
 */
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error';
import { readAuditOf } from '../privacy/read-audit';
import { createContext, type ApiServices } from './context';
import { authorizationOf } from './http-guard';
import { findVisibleEvent } from './schema/events';

export function attachmentContent(services: ApiServices): RequestHandler {
  return (request: Request, response: Response, next) => {
    void serve(services, request, response).catch(next);
  };
}

async function serve(services: ApiServices, request: Request, response: Response): Promise<void> {
  const authorization = authorizationOf(request);
  if (authorization === undefined) throw new Error('the rate-limit guard did not run before the attachment handler');
  if ('error' in authorization || authorization.viewer === null) {
    response.status(401).set('www-authenticate', 'Bearer').json({ error: 'an Authorization: Bearer <token> header with a valid token is required' });
    return;
  }
  const id = String(request.params.id);
  const notFound = () => void response.status(404).json({ error: `no attachment ${id}` });
  if (!/^[1-9][0-9]{0,17}$/.test(id)) return notFound();
  const { rows } = await services.db.query<{ event_id: string; reporter_id: string | null; content_type: string; storage_key: string }>(
    `select a.event_id::text, e.reporter_id::text, a.content_type, a.storage_key
       from public.attachment a join public.grid_event e on e.id = a.event_id where a.id = $1`,
    [id],
  );
  const attachment = rows[0];
  if (attachment === undefined) return notFound();
  try {
    await findVisibleEvent(createContext(services, authorization.viewer), attachment.event_id);
  } catch (error) {
    // An attachment of an event the viewer may not see is reported as missing, as the event itself is.
    if (error instanceof AppError) return notFound();
    throw error;
  }
  const viewer = authorization.viewer;
  // A report's photos and voice messages may show or be the reporter: staff's downloads go on record before the bytes go out.
  if (viewer.role !== 'citizen') {
    await readAuditOf(services.db).record({
      readerCode: viewer.personCode,
      readerRole: viewer.role,
      subjectPersonId: attachment.reporter_id,
      eventId: attachment.event_id,
      field: 'attachment',
      masked: false,
      channel: 'attachment',
    });
  }
  const content = await services.intake.attachmentContent(attachment.storage_key);
  response
    .status(200)
    .type(attachment.content_type)
    .set({ 'cache-control': 'private, no-store', 'content-disposition': 'inline', 'x-content-type-options': 'nosniff' })
    .send(content);
}
