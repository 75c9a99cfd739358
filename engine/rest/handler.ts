import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * An async handler as Express 5 takes it, with its rejection passed on to
 * the server's error handler (which answers problem details) explicitly.
 */
export function handle(fn: (request: Request, response: Response) => Promise<void> | void): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    try {
      const result = fn(request, response);
      if (result instanceof Promise) void result.catch(next);
    } catch (error) {
      next(error);
    }
  };
}

/** A JSON answer typed with the response type the client expects. */
export function sendJson<T>(response: Response, status: number, body: T): void {
  response.status(status).json(body);
}
