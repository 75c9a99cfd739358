/**
 * A department's system that accepts the connection and never answers, with
 * the whole service running (drills/department-hang-drill.ts; `npm run
 * drill:department-hang` runs the same drill outside the tests): another
 * department's events go on to their tasks and to closure meanwhile, the hung
 * calls time out and fail their job with a retry spent, at most the allowed
 * number wait at once, and once the department answers again its events go
 * on, each acted on once.
 */
import { Checks } from '../drills/harness';
import { runDepartmentHangDrill } from '../drills/department-hang-drill';

jest.setTimeout(600_000);

test('a hanging department does not hold up the others, and its events go on once it answers', async () => {
  const lines: string[] = [];
  const checks = await runDepartmentHangDrill({ hungEvents: 10, promptEvents: 3, checks: new Checks((line) => lines.push(line)) });
  console.log(['department hang drill', ...lines].join('\n'));
  expect(checks.list.filter((check) => !check.passed)).toEqual([]);
  expect(checks.list.map((check) => check.name)).toHaveLength(9);
});
