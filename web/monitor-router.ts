/**
 * The monitor page (GET /monitor/): static files from web/public, plus the
 * browser builds of bpmn-js and chart.js straight from node_modules under
 * /monitor/vendor/. No bundler: the page is plain ES modules, and all its data
 * comes from /graphql with the manager's bearer token.
 */
import type { Router } from 'express';
import { findPageDir, pageRouter, resolveVendorFiles } from './page-router';

/**
 * Only this origin, for everything. `data:` images: bpmn-js's stylesheet draws
 * an icon from an inline SVG. No inline scripts or styles: the page and both
 * libraries set styles through the CSSOM, which style-src does not restrict.
 */
export const MONITOR_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': MONITOR_CSP,
  'x-content-type-options': 'nosniff',
  // The token may sit in the URL's fragment for a moment; no Referer at all is simplest.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** What /monitor/vendor/ serves: a fixed list, never a path into node_modules chosen by the request. */
const VENDOR_FILES: Readonly<Record<string, { readonly pkg: string; readonly file: string }>> = {
  'bpmn-navigated-viewer.js': { pkg: 'bpmn-js', file: 'dist/bpmn-navigated-viewer.production.min.js' },
  'diagram-js.css': { pkg: 'bpmn-js', file: 'dist/assets/diagram-js.css' },
  'bpmn-js.css': { pkg: 'bpmn-js', file: 'dist/assets/bpmn-js.css' },
  'chart.umd.js': { pkg: 'chart.js', file: 'dist/chart.umd.min.js' },
};

export interface MonitorRouterOptions {
  /** The page's folder; default web/public of the project (from the sources, dist/ or the Docker image). */
  readonly publicDir?: string;
}

export function monitorRouter(options: MonitorRouterOptions = {}): Router {
  return pageRouter({
    pageDir: options.publicDir ?? findPublicDir(),
    headers: SECURITY_HEADERS,
    files: { vendor: resolveVendorFiles('monitor', VENDOR_FILES) },
  });
}

/** web/public beside this file (sources, tests) or two levels up (dist/web/ in a build or the image). */
export function findPublicDir(): string {
  return findPageDir('public', 'monitor');
}
