/**
 * The person codes the docs tell people to use are the codes the seed
 * creates: a token asked for a code that is not seeded fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEPARTMENTS } from './catalogue';
import { planCity } from './city-plan';
import { planPeople } from './people-plan';

const DOCS = ['README.md', 'docs/configuration.md', 'docs/architecture.md'];
/** Words of the same shape that are no person: a message name, a module. */
const NOT_PEOPLE = new Set(['citizen-feedback', 'manager-access']);
const MENTION = /(?<![\w./-])(?:gw|clerk|manager|admin|citizen)-(?:\w|<[^>\n]+>)(?:[\w-]|<[^>\n]+>)*/g;

const codes = planPeople(planCity().grids, DEPARTMENTS).map((person) => person.code);
const departments = DEPARTMENTS.map((department) => department.code).join('|');

/**
 * A mention as a pattern for the first person of its kind: `<n>` is 1,
 * `<nnn>` 001 (as many digits as letters); a department or grid any of them.
 */
function patternOf(mention: string): RegExp {
  const source = mention.replace(/<([^>]+)>|[^<]+/g, (part: string, placeholder: string | undefined) => {
    if (placeholder === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (/^n+$/.test(placeholder)) return '1'.padStart(placeholder.length, '0');
    if (placeholder === 'department' || placeholder === 'department code') return `(?:${departments})`;
    if (placeholder === 'grid' || placeholder === 'grid code') return 'D\\d{2}S\\d{2}C\\d{2}G\\d{2}';
    throw new Error(`${mention}: no meaning for <${placeholder}>`);
  });
  return new RegExp(`^${source}$`);
}

test.each(DOCS)('every person code %s mentions is one the seed creates', (doc) => {
  const text = readFileSync(path.join(__dirname, '..', '..', doc), 'utf8');
  const mentions = [...new Set(text.match(MENTION) ?? [])].filter((mention) => !NOT_PEOPLE.has(mention));
  const unseeded = mentions.filter((mention) => {
    const pattern = patternOf(mention);
    return !codes.some((code) => pattern.test(code));
  });
  expect(unseeded).toEqual([]);
});

test('the seed codes citizens and clerks with padded numbers', () => {
  expect(codes).toEqual(expect.arrayContaining(['citizen-000001', 'clerk-sanitation-001', 'admin-1', 'manager-city-1']));
});
