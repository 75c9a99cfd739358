import { toQuestionMarks } from './orm-queryable';

test.each<[string, string, unknown[], string, unknown[]]>([
  ['in order', 'select $1, $2', ['a', 'b'], 'select ?, ?', ['a', 'b']],
  ['reordered and repeated', 'select $2 where x = $1 or y = $2', ['a', 'b'], 'select ? where x = ? or y = ?', ['b', 'a', 'b']],
  ['two digits', 'select $10, $1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'select ?, ?', [10, 1]],
  ['casts kept', 'select $1::bigint[]', [[1]], 'select ?::bigint[]', [[1]]],
  ['string literals keep their $n', `select '$1 ''?'' $2', $1`, ['a'], `select '$1 ''\\?'' $2', ?`, ['a']],
  ['quoted identifiers keep their $n', 'select "a$1?" from t where x = $1', ['a'], 'select "a$1\\?" from t where x = ?', ['a']],
  ['dollar quotes keep their $n', 'select $q$ $1 ? $q$, $$ $2 $$, $1', ['a'], 'select $q$ $1 \\? $q$, $$ $2 $$, ?', ['a']],
  ['comments keep their $n', 'select $1 -- $2 ?\n/* $3 ? */', ['a'], 'select ? -- $2 \\?\n/* $3 \\? */', ['a']],
  ['a literal ? is escaped', 'select data ? $1', ['k'], 'select data \\? ?', ['k']],
  ['no values: the text as it is', "select data ? 'k'", [], "select data ? 'k'", []],
])('%s', (_, text, values, sql, params) => {
  expect(toQuestionMarks(text, values)).toEqual({ sql, params });
});

test.each([
  ['a placeholder without a value', 'select $2', ['a']],
  ['$0', 'select $0', ['a']],
  ['an unterminated string', "select 'a", []],
])('refuses %s', (_, text, values) => {
  expect(() => toQuestionMarks(text, values)).toThrow();
});
