/**
 * `npm run drill:department-hang [-- --hung-events=10 --prompt-events=4]`:
 * one department's system hangs while the whole service runs; exit 1 when a
 * check fails.
 */
import { runDepartmentHangDrill } from './department-hang-drill';
import { argument, Checks } from './harness';

async function main(): Promise<void> {
  const checks = new Checks();
  console.log('department hang drill');
  await runDepartmentHangDrill({ hungEvents: Number(argument('hung-events', '10')), promptEvents: Number(argument('prompt-events', '4')), checks });
  console.log(checks.passed ? 'all checks passed' : `${checks.list.filter((check) => !check.passed).length} checks failed`);
  process.exitCode = checks.passed ? 0 : 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
