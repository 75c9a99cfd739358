import type { EntityManager } from '@mikro-orm/postgresql';
import type { QueryResultRow } from 'pg';
import type { Queryable, QueryRows } from './queryable';

/**
 * Runs statements written for pg (`$1` placeholders) on an EntityManager, in
 * its transaction when it is one, so a statement joins the unit of work of the
 * entities around it. MikroORM's `execute` takes `?` placeholders: the text is
 * rewritten once per call (toQuestionMarks).
 */
export function ormQueryable(em: EntityManager): Queryable {
  return {
    async query<R extends QueryResultRow = QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<QueryRows<R>> {
      const { sql, params } = toQuestionMarks(text, values);
      const result = await em.execute<{ affectedRows: number; rows: R[] }>(sql, params, 'run');
      return { rows: result.rows, rowCount: result.affectedRows };
    },
  };
}

/**
 * `$n` placeholders → `?` in order of appearance, with the values repeated
 * and reordered to match. Quoted strings, quoted identifiers, dollar-quoted
 * bodies and comments keep their `$n`. MikroORM takes every `?` for a
 * placeholder, even in quotes, unless escaped as `\?`: a literal one (a jsonb
 * operator, a question in a string) is escaped. Without values MikroORM
 * formats nothing, so the text is passed as it is.
 */
export function toQuestionMarks(text: string, values: readonly unknown[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  let sql = '';
  let i = 0;
  const copyUntil = (end: number): void => {
    sql += text.slice(i, end).replaceAll('?', '\\?');
    i = end;
  };
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i);
    if (c === "'" || c === '"') {
      let end = i + 1;
      for (;;) {
        end = text.indexOf(c, end);
        if (end === -1) throw new Error(`unterminated ${c} in statement`);
        if (text[end + 1] === c) end += 2;
        else break;
      }
      copyUntil(end + 1);
    } else if (rest.startsWith('--')) {
      const end = text.indexOf('\n', i);
      copyUntil(end === -1 ? text.length : end);
    } else if (rest.startsWith('/*')) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new Error('unterminated comment in statement');
      copyUntil(end + 2);
    } else if (c === '$') {
      const number = /^\$(\d+)/.exec(rest);
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
      if (number) {
        const index = Number(number[1]) - 1;
        if (index < 0 || index >= values.length) throw new Error(`statement uses ${number[0]} but has ${values.length} values`);
        params.push(values[index]);
        sql += '?';
        i += number[0].length;
      } else if (tag) {
        const end = text.indexOf(tag[0], i + tag[0].length);
        if (end === -1) throw new Error(`unterminated ${tag[0]} in statement`);
        copyUntil(end + tag[0].length);
      } else {
        copyUntil(i + 1);
      }
    } else {
      copyUntil(i + 1);
    }
  }
  return params.length === 0 ? { sql: text, params } : { sql, params };
}
