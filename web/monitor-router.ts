/**
 * The monitor page (GET /monitor/): static files from web/public, plus the
 * browser builds of bpmn-js and chart.js straight from node_modules under
 * /monitor/vendor/. No bundler: the page is plain ES modules, and all its data
 * comes from /graphql with the manager's bearer token.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

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
  const publicDir = options.publicDir ?? findPublicDir();
  const vendor = resolveVendorFiles();
  const router = express.Router();

  router.use((_request: Request, response: Response, next: NextFunction) => {
    response.set(SECURITY_HEADERS);
    next();
  });

  // Mounted at /monitor, both /monitor and /monitor/ arrive here as "/"; the page's
  // relative URLs only resolve from the one with the slash.
  router.get('/', (request: Request, response: Response, next: NextFunction) => {
    const url = new URL(request.originalUrl, 'http://localhost');
    if (url.pathname.endsWith('/')) return next();
    response.redirect(301, `${url.pathname}/${url.search}`);
  });

  router.get('/vendor/:name', (request: Request, response: Response, next: NextFunction) => {
    const file = vendor.get(String(request.params.name));
    if (file === undefined) return next();
    response.sendFile(file, { headers: { 'cache-control': 'no-cache' } }, (error) => {
      if (error) next(error);
    });
  });

  router.use(
    express.static(publicDir, {
      index: 'index.html',
      dotfiles: 'ignore',
      redirect: false,
      // No content hashes in the names: revalidate (ETag) rather than serve a stale page after an upgrade.
      setHeaders: (response) => response.setHeader('cache-control', 'no-cache'),
    }),
  );

  router.use((_request: Request, response: Response) => {
    response.status(404).type('text/plain').send('not found\n');
  });
  return router;
}

/** web/public beside this file (sources, tests) or two levels up (dist/web/ in a build or the image). */
export function findPublicDir(): string {
  const candidates = [path.resolve(__dirname, 'public'), path.resolve(__dirname, '..', '..', 'web', 'public')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (found === undefined) throw new Error(`the monitor page is missing: looked for index.html in ${candidates.join(', ')}`);
  return found;
}

/** Fails at start-up, not on the first page view, when a library is missing or has moved its files. */
function resolveVendorFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, { pkg, file }] of Object.entries(VENDOR_FILES)) {
    const resolved = path.join(packageRoot(pkg), file);
    if (!existsSync(resolved)) throw new Error(`the monitor needs ${pkg}/${file}, which is missing`);
    files.set(name, resolved);
  }
  return files;
}

/**
 * The package's folder. Found from its main entry, walking up to its own
 * package.json: chart.js's `exports` hides both its package.json and its UMD build.
 */
export function packageRoot(pkg: string): string {
  let dir = path.dirname(require.resolve(pkg));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of package ${pkg}`);
    dir = parent;
  }
}
