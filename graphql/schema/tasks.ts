import { TASK_STATES } from '../../orm/entities/vocabulary';
import { inScope, queueScope } from '../../tasks/task-access';
import type { TaskChange } from '../../tasks/task-changes';
import { findTask } from '../../tasks/sql/find-task';
import type { TaskView } from '../../tasks/task';
import { formIdOf } from '../../tasks/task-forms';
import { viewerOf, type ApiContext } from '../context';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import type { EventRow } from '../rows';
import { findTaskPage, TASK_SORTS, type TaskFilter, type TaskSort } from '../sql/task-page';
import type { Resolvers } from './resolvers';

export const taskTypeDefs = /* GraphQL */ `
  enum TaskState { ${TASK_STATES.join(' ')} }
  "Queue orders: priority (highest first), due date (soonest first, undated last), creation (oldest first)."
  enum TaskSort { ${TASK_SORTS.join(' ')} }
  enum TaskChangeKind { ADDED CLAIMED UNCLAIMED UPDATED COMPLETED REMOVED }

  "A user task of a process: handle an event, verify a fix, arbitrate, review."
  type Task {
    id: ID!
    name: String!
    "The BPMN element (user task) id."
    elementId: String!
    "The id of the form that completes it (processes/forms): grid-dispatch-handle, grid-dispatch-verify, grid-dispatch-arbitrate …"
    formKey: String
    state: TaskState!
    candidateGroups: [String!]!
    candidateUsers: [String!]!
    "Person code of whoever claimed it."
    assignee: String
    "0–100, higher first."
    priority: Int!
    dueAt: DateTime
    followUpAt: DateTime
    createdAt: DateTime!
    completedAt: DateTime
    outcome: String
    processInstanceKey: ID!
    event: Event
    "Open and past its due date, or its event has breached its SLA."
    breached: Boolean!
    "The Camunda Form that completes it (its latest deployed version); null for a task without one."
    form: TaskForm
  }

  "A deployed Camunda Form: render schema with form-js; completeTask checks the variables against it."
  type TaskForm {
    id: ID!
    key: ID!
    version: Int!
    "The form's JSON, as deployed."
    schema: JSONObject!
  }

  type TaskEdge { cursor: String! node: Task! }
  type TaskConnection { edges: [TaskEdge!]! pageInfo: PageInfo! }

  input TaskFilter {
    "Default CREATED: the open queue."
    state: TaskState
    assignedToMe: Boolean
    "Offered to one of my groups (my department, my grid), claimed or not."
    myGroups: Boolean
    candidateGroup: String
    "The event's category code."
    category: String
    "The event's grid code."
    grid: String
    dueBefore: DateTime
    breached: Boolean
  }

  type TaskQueueChange {
    kind: TaskChangeKind!
    task: Task!
  }

  extend type Event {
    tasks: [Task!]!
  }

  extend type Query {
    "Tasks in your queues (a clerk's department, a grid worker's grid, offered or assigned to you)."
    tasks(filter: TaskFilter, sort: TaskSort = PRIORITY, first: Int = 50, after: String): TaskConnection!
    task(id: ID!): Task
  }

  extend type Mutation {
    claimTask(id: ID!): Task!
    unclaimTask(id: ID!): Task!
    "Completes a task you claimed: outcome and variables as its form says."
    completeTask(id: ID!, outcome: String, comment: String, variables: JSONObject): Task!
    "Not this handler's business: back to routing without you."
    returnTask(id: ID!, reason: String!): Task!
  }

  extend type Subscription {
    "Changes to the queues you see: tasks added, claimed, unclaimed, completed, removed."
    taskQueueChanged: TaskQueueChange!
  }
`;

interface TasksArgs {
  readonly filter?: TaskFilter | null;
  readonly sort?: TaskSort | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

const CHANGE_KINDS = { ADDED: 'added', CLAIMED: 'claimed', UNCLAIMED: 'unclaimed', UPDATED: 'updated', COMPLETED: 'completed', REMOVED: 'removed' } as const;

export const taskResolvers: Resolvers = {
  TaskChangeKind: CHANGE_KINDS,
  Task: {
    event: (task: TaskView, _: unknown, context: ApiContext) => (task.eventId === null ? null : context.loaders.event.load(task.eventId)),
    form: (task: TaskView, _: unknown, context: ApiContext) => {
      const formId = formIdOf(task.formKey);
      return formId === null ? null : context.loaders.form.load(formId);
    },
    breached: async (task: TaskView, _: unknown, context: ApiContext) => {
      if (task.state !== 'CREATED') return false;
      if (task.dueAt !== null && task.dueAt.getTime() < Date.now()) return true;
      const event: EventRow | null = task.eventId === null ? null : await context.loaders.event.load(task.eventId);
      return event?.breached_at != null;
    },
  },
  Event: {
    tasks: async (event: EventRow, _: unknown, context: ApiContext) => {
      const scope = queueScope(viewerOf(context));
      return (await context.loaders.eventTasks.load(event.id)).filter((task) => inScope(scope, task));
    },
  },
  Query: {
    tasks: async (_: unknown, args: TasksArgs, context: ApiContext) => {
      const viewer = viewerOf(context);
      const sort = args.sort ?? 'PRIORITY';
      const size = pageSize(args.first);
      const after = decodeCursor(args.after, `tasks:${sort}`, 2);
      const rows = await findTaskPage(context.db, viewer, { filter: args.filter ?? {}, sort, limit: size + 1, after });
      return toPage(rows, size, (row) => encodeCursor(`tasks:${sort}`, cursorKey(sort, row)));
    },
    task: (_: unknown, args: { id: string }, context: ApiContext) => context.services.tasks.get(viewerOf(context), args.id),
  },
  Mutation: {
    claimTask: (_: unknown, args: { id: string }, context: ApiContext) => context.services.tasks.claim(viewerOf(context), args.id),
    unclaimTask: (_: unknown, args: { id: string }, context: ApiContext) => context.services.tasks.unclaim(viewerOf(context), args.id),
    completeTask: (_: unknown, args: { id: string; outcome?: string | null; comment?: string | null; variables?: Record<string, unknown> | null }, context: ApiContext) =>
      context.services.tasks.complete(viewerOf(context), args.id, { outcome: args.outcome, comment: args.comment, variables: args.variables }),
    returnTask: (_: unknown, args: { id: string; reason: string }, context: ApiContext) => context.services.tasks.returnTask(viewerOf(context), args.id, args.reason),
  },
  Subscription: {
    taskQueueChanged: {
      subscribe: (_: unknown, __: unknown, context: ApiContext) => {
        const scope = queueScope(viewerOf(context));
        return context.services.taskChanges.subscribe((change) => inScope(scope, change));
      },
      resolve: async (change: TaskChange, _: unknown, context: ApiContext) => ({ kind: change.kind, task: await taskOfChange(context, change) }),
    },
  },
};

/**
 * The task as it is now (rows are never deleted, only closed), read once per
 * change however many subscribers hear of it: the listener hands each of them
 * the same change object.
 */
const changedTasks = new WeakMap<TaskChange, Promise<TaskView | undefined>>();
function taskOfChange(context: ApiContext, change: TaskChange): Promise<TaskView | undefined> {
  let task = changedTasks.get(change);
  if (task === undefined) {
    task = findTask(context.db, change.taskId);
    changedTasks.set(change, task);
  }
  return task;
}

function cursorKey(sort: TaskSort, task: TaskView): (string | number | null)[] {
  switch (sort) {
    case 'PRIORITY':
      return [task.priority, task.id];
    case 'DUE_DATE':
      return [task.dueAt?.toISOString() ?? null, task.id];
    case 'CREATED':
      return [task.createdAt.toISOString(), task.id];
    default:
      return sort satisfies never;
  }
}

