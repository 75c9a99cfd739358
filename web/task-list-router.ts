/**
 * The task list page (GET /tasks/): clerks' and grid workers' queues in the
 * browser. Static files from web/task-list, plus browser builds straight from
 * node_modules under /tasks/vendor/: form-js's viewer (the one Camunda's
 * Tasklist renders forms with) and graphql-ws's client for the live queue;
 * the modules both pages use (sign-in, token) under /tasks/shared/, so the
 * page works whether or not the monitor is mounted beside it.
 * All data comes from /graphql (HTTP and WebSocket) with the person's token.
 */
import path from 'node:path';
import type { Router } from 'express';
import { findPublicDir, MONITOR_CSP, SECURITY_HEADERS } from './monitor-router';
import { findPageDir, pageRouter, resolveVendorFiles } from './page-router';

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
  const publicJs = path.join(findPublicDir(), 'js');
  return pageRouter({
    pageDir: options.pageDir ?? findTaskListDir(),
    headers: { ...SECURITY_HEADERS, 'content-security-policy': TASK_LIST_CSP },
    files: {
      vendor: resolveVendorFiles('task list', VENDOR_FILES),
      shared: new Map(SHARED_FILES.map((name) => [name, path.join(publicJs, name)])),
    },
  });
}

/** web/task-list beside this file (sources, tests) or two levels up (dist/web/ in a build or the image). */
export function findTaskListDir(): string {
  return findPageDir('task-list', 'task list');
}
