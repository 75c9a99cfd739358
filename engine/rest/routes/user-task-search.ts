/**
 * The user task search: Camunda 8.8's filter on the read contract's
 * `engine_read.user_tasks`, translated into SQL. Candidate groups and users
 * are arrays: `candidateGroup: "water"` finds tasks whose groups include
 * water. Variable filters (local: the task's element instance; process: the
 * process instance) look at live variables, compared as JSON text.
 */
import type {
  ElementId,
  ElementInstanceKey,
  FormKey,
  ProcessDefinitionId,
  ProcessDefinitionKey,
  ProcessInstanceKey,
  TenantId,
  UserTaskKey,
  UserTaskResult,
  UserTaskSearchQuery,
} from '@camunda8/orchestration-cluster-api';
import { z } from 'zod';

import { apiKey } from '../keys';
import { Conditions, enumFilter, integerFilter, isoDate, pageSchema, sortSchema, stringFilter, type FilterProperty } from '../search';
import { longKey, requestSchema } from '../validate';
import { tenantIdSchema } from '../wire';

export const USER_TASK_STATES = ['CREATING', 'CREATED', 'ASSIGNING', 'UPDATING', 'COMPLETING', 'COMPLETED', 'CANCELING', 'CANCELED', 'FAILED'] as const satisfies readonly NonNullable<
  UserTaskResult['state']
>[];

export const SORT_COLUMNS = {
  creationDate: 'q.creation_date',
  completionDate: 'q.completion_date',
  followUpDate: 'q.follow_up_date',
  dueDate: 'q.due_date',
  priority: 'q.priority',
  name: 'q.name',
} as const;
type SortField = keyof typeof SORT_COLUMNS;
const SORT_FIELDS = Object.keys(SORT_COLUMNS) as [SortField, ...SortField[]];

const instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date and time with an offset' });
const dateFilter = z
  .union([
    instant,
    z.strictObject({
      $eq: instant.optional(),
      $neq: instant.optional(),
      $exists: z.boolean().optional(),
      $gt: instant.optional(),
      $gte: instant.optional(),
      $lt: instant.optional(),
      $lte: instant.optional(),
      $in: z.array(instant).optional(),
    }),
  ])
  .optional();

const variableFilters = z.array(z.strictObject({ name: z.string(), value: stringFilter.unwrap() })).optional();

export const searchSchema = requestSchema<UserTaskSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(SORT_FIELDS),
    filter: z
      .strictObject({
        state: enumFilter(USER_TASK_STATES),
        assignee: stringFilter,
        priority: integerFilter,
        elementId: z.string().optional(),
        name: z.string().optional(),
        candidateGroup: stringFilter,
        candidateUser: stringFilter,
        tenantId: z.union([tenantIdSchema, z.strictObject({ $eq: tenantIdSchema })]).optional(),
        processDefinitionId: z.string().optional(),
        creationDate: dateFilter,
        completionDate: dateFilter,
        followUpDate: dateFilter,
        dueDate: dateFilter,
        processInstanceVariables: variableFilters,
        localVariables: variableFilters,
        userTaskKey: longKey.optional(),
        processDefinitionKey: longKey.optional(),
        processInstanceKey: longKey.optional(),
        elementInstanceKey: longKey.optional(),
      })
      .optional(),
  }),
);

export type UserTaskFilter = NonNullable<z.output<typeof searchSchema>['filter']>;

/** A view row with the process name joined in (pg hands bigint keys over as strings). */
export const USER_TASKS = `
  select t.user_task_key, t.element_id, t.name, t.element_instance_key, t.process_instance_key, t.process_definition_key,
         t.bpmn_process_id, t.process_definition_version, t.tenant_id, t.state, t.assignee, t.candidate_groups, t.candidate_users,
         t.due_date, t.follow_up_date, t.priority, t.form_key, t.external_form_reference, t.custom_headers,
         t.creation_date, t.completion_date, d.name as process_name
    from engine_read.user_tasks t
    left join engine_read.process_definition d on d.process_definition_key = t.process_definition_key`;

export interface UserTaskRow {
  readonly user_task_key: string;
  readonly element_id: string;
  readonly name: string | null;
  readonly element_instance_key: string;
  readonly process_instance_key: string;
  readonly process_definition_key: string;
  readonly bpmn_process_id: string;
  readonly process_definition_version: number;
  readonly tenant_id: string;
  readonly state: (typeof USER_TASK_STATES)[number];
  readonly assignee: string | null;
  readonly candidate_groups: string[];
  readonly candidate_users: string[];
  readonly due_date: Date | null;
  readonly follow_up_date: Date | null;
  readonly priority: number;
  readonly form_key: string | null;
  readonly external_form_reference: string | null;
  readonly custom_headers: Record<string, string>;
  readonly creation_date: Date;
  readonly completion_date: Date | null;
  readonly process_name: string | null;
}

export function toUserTaskResult(row: UserTaskRow): UserTaskResult {
  const optional = {
    name: row.name ?? undefined,
    assignee: row.assignee ?? undefined,
    completionDate: isoDate(row.completion_date),
    dueDate: isoDate(row.due_date),
    followUpDate: isoDate(row.follow_up_date),
    externalFormReference: row.external_form_reference ?? undefined,
    formKey: row.form_key === null ? undefined : apiKey<FormKey>(row.form_key),
    processName: row.process_name ?? undefined,
  };
  return {
    userTaskKey: apiKey<UserTaskKey>(row.user_task_key),
    state: row.state,
    elementId: apiKey<ElementId>(row.element_id),
    candidateGroups: row.candidate_groups,
    candidateUsers: row.candidate_users,
    processDefinitionId: apiKey<ProcessDefinitionId>(row.bpmn_process_id),
    creationDate: isoDate(row.creation_date),
    tenantId: apiKey<TenantId>(row.tenant_id),
    processDefinitionVersion: row.process_definition_version,
    customHeaders: row.custom_headers,
    priority: row.priority,
    elementInstanceKey: apiKey<ElementInstanceKey>(row.element_instance_key),
    processDefinitionKey: apiKey<ProcessDefinitionKey>(row.process_definition_key),
    processInstanceKey: apiKey<ProcessInstanceKey>(row.process_instance_key),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

/** The WHERE clauses of a search over `(USER_TASKS) q`. */
export function userTaskConditions(filter: UserTaskFilter): Conditions {
  const conditions = new Conditions()
    .add('q.state', filter.state)
    .add('q.assignee', filter.assignee)
    .add('q.priority', filter.priority, 'integer')
    .add('q.element_id', filter.elementId)
    .add('q.name', filter.name)
    .add('q.tenant_id', typeof filter.tenantId === 'object' ? filter.tenantId.$eq : filter.tenantId)
    .add('q.bpmn_process_id', filter.processDefinitionId)
    .add('q.creation_date', filter.creationDate as FilterProperty | undefined, 'timestamptz')
    .add('q.completion_date', filter.completionDate as FilterProperty | undefined, 'timestamptz')
    .add('q.follow_up_date', filter.followUpDate as FilterProperty | undefined, 'timestamptz')
    .add('q.due_date', filter.dueDate as FilterProperty | undefined, 'timestamptz')
    .add('q.user_task_key', filter.userTaskKey, 'bigint')
    .add('q.process_definition_key', filter.processDefinitionKey, 'bigint')
    .add('q.process_instance_key', filter.processInstanceKey, 'bigint')
    .add('q.element_instance_key', filter.elementInstanceKey, 'bigint');
  memberOf(conditions, 'q.candidate_groups', filter.candidateGroup);
  memberOf(conditions, 'q.candidate_users', filter.candidateUser);
  for (const variable of filter.localVariables ?? []) variableExists(conditions, 'q.element_instance_key', variable);
  for (const variable of filter.processInstanceVariables ?? []) variableExists(conditions, 'q.process_instance_key', variable);
  return conditions;
}

/** A string filter on one element of an array column: the task matches when some element does ($exists: the array is not empty). */
function memberOf(conditions: Conditions, column: string, filter: FilterProperty | undefined): void {
  if (filter === undefined) return;
  if (typeof filter === 'object' && filter.$exists !== undefined) {
    conditions.clauses.push(`cardinality(${column}) ${filter.$exists ? '>' : '='} 0`);
  }
  if (typeof filter === 'object' && (filter.$neq !== undefined || filter.$notIn !== undefined)) {
    const excluded = [...(filter.$neq !== undefined ? [filter.$neq] : []), ...(filter.$notIn ?? [])];
    conditions.clauses.push(`not (${column} && ${conditions.param(excluded)}::text[])`);
  }
  const positive = typeof filter === 'object' ? { ...filter, $exists: undefined, $neq: undefined, $notIn: undefined } : filter;
  if (typeof positive === 'object' && Object.values(positive).every((value) => value === undefined)) return;
  nested(conditions, (inner) => inner.add('g.member', positive), (clause) => `exists (select 1 from unnest(${column}) as g(member) where ${clause})`);
}

function variableExists(conditions: Conditions, scopeColumn: string, variable: { name: string; value: FilterProperty }): void {
  nested(
    conditions,
    (inner) => inner.add('v.value::text', variable.value),
    (clause) => `exists (select 1 from engine_read.variable v where v.scope_key = ${scopeColumn} and v.name = ${conditions.param(variable.name)} and ${clause})`,
  );
}

/** Builds clauses on the same parameter list, then wraps them into one (a subquery). */
function nested(conditions: Conditions, build: (conditions: Conditions) => void, wrap: (clause: string) => string): void {
  const before = conditions.clauses.length;
  build(conditions);
  const added = conditions.clauses.splice(before);
  if (added.length > 0) conditions.clauses.push(wrap(added.join(' and ')));
}
