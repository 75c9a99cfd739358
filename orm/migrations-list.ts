import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { MigrationObject } from '@mikro-orm/core';

const MIGRATION_FILE = /^Migration\d{14}\w*$/;

/**
 * The committed migrations in orm/migrations, in name (= timestamp) order.
 * They are loaded with `require` from beside this module rather than found by
 * MikroORM's glob, so the same code runs from dist/ (compiled .js) and from
 * the TypeScript sources under jest, and a migration's name never carries an
 * extension.
 */
export function loadMigrations(dir: string = path.join(__dirname, 'migrations')): MigrationObject[] {
  const extension = path.extname(__filename); // .js in dist, .ts under jest
  return readdirSync(dir)
    .filter((file) => path.extname(file) === extension && MIGRATION_FILE.test(path.basename(file, extension)))
    .sort()
    .map((file) => {
      const name = path.basename(file, extension);
      // Loaded synchronously by a path found at run time, which only require does in this CommonJS build.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exports = require(path.join(dir, file)) as Record<string, unknown>;
      const migration = exports[name];
      if (typeof migration !== 'function') {
        throw new Error(`${path.join(dir, file)} must export a class named ${name}`);
      }
      return { name, class: migration as MigrationObject['class'] };
    });
}
