/**
 * What the service's browser pages (the monitor, the task list) share: a
 * router serving one page's folder under its mount path, with its security
 * headers, a redirect to the trailing slash, fixed lists of extra files
 * (library builds from node_modules, modules shared between pages) and a
 * plain 404 for everything else.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

export interface PageRouterOptions {
  /** The folder with the page's index.html and its modules. */
  readonly pageDir: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra files by folder and name (`vendor` → `x.js` → its absolute path): a fixed list, never a path chosen by the request. */
  readonly files: Readonly<Record<string, ReadonlyMap<string, string>>>;
}

export function pageRouter({ pageDir, headers, files }: PageRouterOptions): Router {
  const router = express.Router();
  router.use((_request: Request, response: Response, next: NextFunction) => {
    response.set(headers);
    next();
  });
  // Mounted at /<page>, both /<page> and /<page>/ arrive here as "/"; the page's
  // relative URLs only resolve from the one with the slash.
  router.get('/', (request: Request, response: Response, next: NextFunction) => {
    const url = new URL(request.originalUrl, 'http://localhost');
    if (url.pathname.endsWith('/')) return next();
    response.redirect(301, `${url.pathname}/${url.search}`);
  });
  for (const [folder, named] of Object.entries(files)) {
    router.get(`/${folder}/:name`, (request: Request, response: Response, next: NextFunction) => {
      const file = named.get(String(request.params.name));
      if (file === undefined) return next();
      response.sendFile(file, { headers: { 'cache-control': 'no-cache' } }, (error) => {
        if (error) next(error);
      });
    });
  }
  router.use(
    express.static(pageDir, {
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

/** web/<folder> beside this file (sources, tests) or two levels up (dist/web/ in a build or the image). */
export function findPageDir(folder: string, page: string): string {
  const candidates = [path.resolve(__dirname, folder), path.resolve(__dirname, '..', '..', 'web', folder)];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (found === undefined) throw new Error(`the ${page} page is missing: looked for index.html in ${candidates.join(', ')}`);
  return found;
}

/** Fails at start-up, not on the first page view, when a library is missing or has moved its files. */
export function resolveVendorFiles(page: string, vendor: Readonly<Record<string, { readonly pkg: string; readonly file: string }>>): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, { pkg, file }] of Object.entries(vendor)) {
    const resolved = path.join(packageRoot(pkg), file);
    if (!existsSync(resolved)) throw new Error(`the ${page} needs ${pkg}/${file}, which is missing`);
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
