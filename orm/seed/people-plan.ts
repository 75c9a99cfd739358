import type { PersonRole } from '../entities/vocabulary';
import type { DepartmentPlan } from './catalogue';
import type { GridPlan } from './city-plan';
import { Prng } from './prng';

/** Staff of the reference city, as the city the service is modelled on has them: 2,534 clerks across its departments; a sample of its citizens. */
export const PEOPLE = Object.freeze({
  clerks: 2_534,
  /** City-level managers of the command centre, besides one per department. */
  cityManagers: 8,
  admins: 3,
  citizens: 5_000,
  seed: 12_345,
});

export interface PersonPlan {
  readonly code: string;
  readonly name: string;
  readonly role: PersonRole;
  readonly phone: string | null;
  readonly departmentCode: string | null;
  readonly gridCode: string | null;
}

const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo', 'He', 'Lin', 'Gao', 'Luo'];
const GIVEN = ['Wei', 'Fang', 'Na', 'Min', 'Jing', 'Li', 'Qiang', 'Lei', 'Jun', 'Yang', 'Yong', 'Yan', 'Jie', 'Tao', 'Ming', 'Chao', 'Xiu', 'Hua', 'Ping', 'Gang', 'Hui', 'Xin', 'Yu', 'Hao'];

/**
 * Everyone the seed creates, with stable codes: `gw-<grid code>` for grid
 * workers, `clerk-<department>-<nnn>` (three digits), `manager-<department>`
 * and `manager-city-<n>`, `admin-<n>`, `citizen-<nnnnnn>` (six digits).
 */
export function planPeople(grids: readonly GridPlan[], departments: readonly DepartmentPlan[], seed: number = PEOPLE.seed): PersonPlan[] {
  const rng = new Prng(seed);
  const name = () => `${rng.pick(SURNAMES)} ${rng.pick(GIVEN)}${rng.next() < 0.5 ? rng.pick(GIVEN).toLowerCase() : ''}`;
  const phone = () => `1${rng.pick(['3', '5', '8'])}${String(rng.index(1e9)).padStart(9, '0')}`;
  const people: PersonPlan[] = [];
  const add = (code: string, role: PersonRole, departmentCode: string | null = null, gridCode: string | null = null) =>
    people.push({ code, name: name(), role, phone: phone(), departmentCode, gridCode });

  for (const grid of grids) add(`gw-${grid.code}`, 'grid_worker', null, grid.code);
  clerksPerDepartment(departments, PEOPLE.clerks).forEach((count, i) => {
    const department = departments[i];
    for (let n = 1; n <= count; n++) add(`clerk-${department.code}-${String(n).padStart(3, '0')}`, 'clerk', department.code);
  });
  for (const department of departments) add(`manager-${department.code}`, 'manager', department.code);
  for (let n = 1; n <= PEOPLE.cityManagers; n++) add(`manager-city-${n}`, 'manager');
  for (let n = 1; n <= PEOPLE.admins; n++) add(`admin-${n}`, 'admin');
  for (let n = 1; n <= PEOPLE.citizens; n++) add(`citizen-${String(n).padStart(6, '0')}`, 'citizen');
  return people;
}

/** Spreads `total` clerks over the departments by staff weight, largest remainders first: the sum is exact. */
export function clerksPerDepartment(departments: readonly DepartmentPlan[], total: number): number[] {
  const weight = departments.reduce((sum, department) => sum + department.staff, 0);
  const shares = departments.map((department) => (department.staff / weight) * total);
  const counts = shares.map(Math.floor);
  const left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = shares.map((share, i) => [share - Math.floor(share), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < left; k++) counts[byRemainder[k][1]] += 1;
  return counts;
}
