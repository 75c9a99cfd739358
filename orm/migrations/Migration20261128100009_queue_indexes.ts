import { Migration } from '@mikro-orm/migrations';

/**
 * The queue page (graphql/sql/task-page.ts) in its three orders, read from an
 * index in order instead of fetching and sorting every open task of the
 * department: for open tasks offered to exactly one group (all the process
 * model creates), that group's tasks by priority, due date or creation; for
 * every other open task (several groups, or an array the one-group indexes
 * cannot key), a GIN index of those alone. Keyed on the one group rather than
 * the array, so a task offered to very many groups never meets the B-tree's
 * row size limit.
 *
 * Before, a clerk's first page visited all of the department's open tasks
 * (3,000 heap rows for the largest department at 100,000 open tasks, 7 ms);
 * now it reads the first 51 entries of one index. docs/performance.md, "API".
 */
export class Migration20261128100009_queue_indexes extends Migration {
  override up(): void {
    const single = `state = 'CREATED' and cardinality(candidate_groups) = 1`;
    this.addSql(`create index task_open_group_priority_idx on public.task ((candidate_groups[1]), priority desc, id) where ${single}`);
    this.addSql(`create index task_open_group_due_idx on public.task ((candidate_groups[1]), coalesce(due_at, 'infinity'::timestamptz), id) where ${single}`);
    this.addSql(`create index task_open_group_created_idx on public.task ((candidate_groups[1]), created_at, id) where ${single}`);
    this.addSql(
      `create index task_open_other_groups_idx on public.task using gin (candidate_groups)
        where state = 'CREATED' and (cardinality(candidate_groups) <> 1 or candidate_groups[1] is null)`,
    );
  }

  override down(): void {
    this.addSql(
      `drop index if exists public.task_open_group_priority_idx, public.task_open_group_due_idx, public.task_open_group_created_idx, public.task_open_other_groups_idx`,
    );
  }
}
