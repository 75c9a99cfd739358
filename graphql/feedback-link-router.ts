import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Pool } from 'pg';
import { transaction } from '../db/transaction';
import { AppError, AppErrorCode, BadUserInputError } from '../errors/app-error';
import { FeedbackLinkError, FeedbackLinkErrorCode, type FeedbackLinks } from '../notifications/feedback-link';
import { takeLinkUse } from '../notifications/sql/inbox';
import { findViewer } from './auth/find-viewer';
import { createContext, type ApiServices } from './context';
import { submitFeedback, type FeedbackInput } from './submit-feedback';

export interface FeedbackLinkRouterOptions {
  readonly services: ApiServices;
  /** The use of a link and the feedback it gives commit together on one of its connections. */
  readonly pool: Pool;
  readonly links: FeedbackLinks;
}

/**
 * The feedback request's link (回访), answered without signing in:
 * GET /feedback/<token> shows a form, POST /feedback/<token> (a form or JSON:
 * satisfied, score, comment) gives the feedback as the GraphQL mutation
 * does, once. Errors: 400 LINK_INVALID or BAD_USER_INPUT, 410 LINK_EXPIRED,
 * 409 LINK_USED (the second use) or CONFLICT (feedback already given).
 */
export function feedbackLinkRouter(options: FeedbackLinkRouterOptions): RequestHandler {
  const router = express.Router();
  router.get('/:token', async (request, response) => {
    try {
      await options.links.verify(String(request.params.token));
      response.type('html').send(FORM_PAGE);
    } catch (error) {
      answerError(request, response, error);
    }
  });
  router.post('/:token', express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '16kb' }), async (request, response) => {
    try {
      const claims = await options.links.verify(String(request.params.token));
      const input = feedbackInputOf(request.body as Record<string, unknown> | undefined);
      // A second use waits on the first's row, then finds it taken; a refused answer leaves the link unused.
      const answered = await transaction(options.pool, async (client) => {
        if (!(await takeLinkUse(client, claims.notificationId))) {
          throw new FeedbackLinkError(FeedbackLinkErrorCode.LINK_USED, 'this feedback link was already used: each link answers once');
        }
        const viewer = await findViewer(client, claims.personCode);
        const context = createContext({ ...options.services, db: client }, viewer);
        const event = await context.loaders.event.load(claims.eventId);
        if (event === null) throw new FeedbackLinkError(FeedbackLinkErrorCode.LINK_INVALID, 'this feedback link is not valid');
        return submitFeedback(context, viewer, event, input);
      });
      if (isForm(request)) response.type('html').send(page('Thank you', 'Your feedback was recorded.'));
      else response.status(200).json({ eventId: answered.id, satisfied: input.satisfied });
    } catch (error) {
      answerError(request, response, error);
    }
  });
  return router;
}

function feedbackInputOf(body: Record<string, unknown> | undefined): FeedbackInput {
  const raw = body ?? {};
  const satisfied = raw.satisfied === true || raw.satisfied === 'true' ? true : raw.satisfied === false || raw.satisfied === 'false' ? false : undefined;
  if (satisfied === undefined) throw new BadUserInputError('satisfied', 'satisfied must be true or false');
  const score = raw.score === undefined || raw.score === '' || raw.score === null ? null : Number(raw.score);
  const comment = typeof raw.comment === 'string' && raw.comment !== '' ? raw.comment : null;
  return { satisfied, score, comment };
}

/** The one place link and domain errors become HTTP statuses. */
function statusOf(error: FeedbackLinkError | AppError): number {
  const code = error.code;
  switch (code) {
    case FeedbackLinkErrorCode.LINK_INVALID:
    case AppErrorCode.BAD_USER_INPUT:
      return 400;
    case FeedbackLinkErrorCode.LINK_EXPIRED:
      return 410;
    case FeedbackLinkErrorCode.LINK_USED:
    case AppErrorCode.CONFLICT:
      return 409;
    case AppErrorCode.FORBIDDEN:
      return 403;
    case AppErrorCode.NOT_FOUND:
      return 404;
    case AppErrorCode.UNAVAILABLE:
      return 503;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped code ${String(unknown)}`);
    }
  }
}

function answerError(request: Request, response: Response, error: unknown): void {
  if (!(error instanceof FeedbackLinkError || error instanceof AppError)) {
    response.status(500).json({ error: { code: 'INTERNAL', message: 'the feedback could not be recorded: try again later' } });
    return;
  }
  const status = statusOf(error);
  if (isForm(request) || request.method === 'GET') response.status(status).type('html').send(page('Feedback not recorded', error.message));
  else response.status(status).json({ error: { code: error.code, message: error.message } });
}

function isForm(request: Request): boolean {
  return request.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

const FORM_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Your feedback</title></head>
<body><h1>Are you satisfied with how your report was handled?</h1>
<form method="post">
<p><label><input type="radio" name="satisfied" value="true" required> Satisfied</label>
<label><input type="radio" name="satisfied" value="false"> Not satisfied</label></p>
<p><label>Score (1–5) <input type="number" name="score" min="1" max="5"></label></p>
<p><label>Comment <textarea name="comment" maxlength="2000"></textarea></label></p>
<p><button type="submit">Send</button></p>
</form></body></html>`;
