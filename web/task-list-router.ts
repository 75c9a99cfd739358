/**
 * The task list page (GET /tasks/): clerks' and grid workers' queues in the
 * browser. Static files from web/task-list, plus browser builds straight from
 * node_modules under /tasks/vendor/: form-js's viewer (the one Camunda's
 * Tasklist renders forms with) and graphql-ws's client for the live queue;
 * the modules both pages use (sign-in, token) under /tasks/shared/, so the
 * page works whether or not the monitor is mounted beside it.
 * All data comes from /graphql (HTTP and WebSocket) with the person's token.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { findPublicDir, MONITOR_CSP, packageRoot, SECURITY_HEADERS } from './monitor-router';

/**
 * The monitor's policy, plus `blob:` images: photos are fetched with the
 * token and shown from object URLs (an <img src> cannot send a bearer token).
 * `connect-src 'self'` covers the same-origin WebSocket.
 */
export const TASK_LIST_CSP = MONITOR_CSP.replace("img-src 'self' data:", "img-src 'self' data: blob:");

/** What /tasks/vendor/ serves: a fixed list, never a path into node_modules chosen by the request. */
const VENDOR_FILES: Readonly<Record<string, { readonly pkg: string; readonly file: string }>> = {
  'form-viewer.js': { pkg: '@bpmn-io/form-js', file: 'dist/form-viewer.umd.js' },
  'form-js.css': { pkg: '@bpmn-io/form-js', file: 'dist/assets/form-js.css' },
  'graphql-ws.js': { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js' },
};

/** What /tasks/shared/ serves of the monitor's modules: the ones both pages use, a fixed list. */
const SHARED_FILES: readonly string[] = ['dev-sign-in.js', 'token-store.js'];

export interface TaskListRouterOptions {
  /** The page's folder; default web/task-list of the project (from the sources, dist/ or the Docker image). */
  readonly pageDir?: string;
}

export function taskListRouter(options: TaskListRouterOptions = {}): Router {
  const pageDir = options.pageDir ?? findTaskListDir();
  const vendor = new Map<string, string>();
  for (const [name, { pkg, file }] of Object.entries(VENDOR_FILES)) {
    const resolved = path.join(packageRoot(pkg), file);
    if (!existsSync(resolved)) throw new Error(`the task list needs ${pkg}/${file}, which is missing`);
    vendor.set(name, resolved);
  }
  const router = express.Router();
  router.use((_request: Request, response: Response, next: NextFunction) => {
    response.set({ ...SECURITY_HEADERS, 'content-security-policy': TASK_LIST_CSP });
    next();
  });
  // Mounted at /tasks, both /tasks and /tasks/ arrive here as "/"; relative URLs resolve only from the one with the slash.
  router.get('/', (request: Request, response: Response, next: NextFunction) => {
    const url = new URL(request.originalUrl, 'http://localhost');
    if (url.pathname.endsWith('/')) return next();
    response.redirect(301, `${url.pathname}/${url.search}`);
  });
  const publicJs = path.join(findPublicDir(), 'js');
  router.get('/shared/:name', (request: Request, response: Response, next: NextFunction) => {
    const name = String(request.params.name);
    if (!SHARED_FILES.includes(name)) return next();
    response.sendFile(path.join(publicJs, name), { headers: { 'cache-control': 'no-cache' } }, (error) => {
      if (error) next(error);
    });
  });
  router.get('/vendor/:name', (request: Request, response: Response, next: NextFunction) => {
    const file = vendor.get(String(request.params.name));
    if (file === undefined) return next();
    response.sendFile(file, { headers: { 'cache-control': 'no-cache' } }, (error) => {
      if (error) next(error);
    });
  });
  router.use(
    express.static(pageDir, {
      index: 'index.html',
      dotfiles: 'ignore',
      redirect: false,
      setHeaders: (response) => response.setHeader('cache-control', 'no-cache'),
    }),
  );
  router.use((_request: Request, response: Response) => {
    response.status(404).type('text/plain').send('not found\n');
  });
  return router;
}

/** web/task-list beside this file (sources, tests) or two levels up (dist/web/ in a build or the image). */
export function findTaskListDir(): string {
  const candidates = [path.resolve(__dirname, 'task-list'), path.resolve(__dirname, '..', '..', 'web', 'task-list')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (found === undefined) throw new Error(`the task list page is missing: looked for index.html in ${candidates.join(', ')}`);
  return found;
}
