import type { ApiContext } from '../context';
import { cancelProcessInstance, retryIncident } from '../engine-commands';
import { engineKey, requireCityMonitor, requireEngineTables } from '../manager-access';
import { monitorLoaders } from '../monitor-loaders';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import { findElementStatistics } from '../sql/element-statistics';
import { findIncidentPage } from '../sql/incident-page';
import type { IncidentRow, RecordRow } from '../sql/instance-details';
import { findProcessDefinition, findProcessSummaries, type ProcessDefinitionRow } from '../sql/process-definitions';
import { findProcessInstances, INSTANCE_STATES, type InstanceState, type ProcessInstanceRow } from '../sql/process-instances';
import type { Resolvers } from './resolvers';

export const monitorTypeDefs = /* GraphQL */ `
  enum InstanceState { ${INSTANCE_STATES.join(' ')} }

  type ProcessSummary {
    bpmnProcessId: String!
    name: String
    "Latest deployed version."
    version: Int!
    processDefinitionKey: ID!
    "Instances (all versions) still running."
    running: Int!
    "Open incidents in those instances."
    incidents: Int!
    "Running instances whose grid event has breached its SLA."
    breached: Int!
    "Instances that completed."
    completed: Int!
  }

  "Counts of one diagram element; elements with nothing to count are not listed."
  type ElementStatistics {
    elementId: String!
    "Element instances active at this element now."
    active: Int!
    "Open incidents at this element."
    incidents: Int!
    "Active element instances here whose grid event has breached its SLA."
    breached: Int!
    "Times this element completed (record log)."
    completed: Int!
  }

  type ProcessDetail {
    bpmnProcessId: String!
    name: String
    version: Int!
    processDefinitionKey: ID!
    "The deployed BPMN XML, for bpmn-js."
    bpmnXml: String!
    elements: [ElementStatistics!]!
    "This version's instances, newest first."
    instances(state: InstanceState, first: Int = 50, after: String): ProcessInstanceConnection!
  }

  type ProcessInstance {
    key: ID!
    bpmnProcessId: String!
    version: Int!
    state: InstanceState!
    startedAt: DateTime
    endedAt: DateTime
    "The process-scope variables."
    variables: JSONObject!
    "Element ids active now."
    activeElements: [String!]!
    incidents: [Incident!]!
    "The instance's record log, oldest first."
    history: [InstanceRecord!]!
    "The grid event it runs for (variable eventId), if any."
    event: Event
  }
  type ProcessInstanceEdge { cursor: String! node: ProcessInstance! }
  type ProcessInstanceConnection { edges: [ProcessInstanceEdge!]! pageInfo: PageInfo! }

  type InstanceRecord {
    position: ID!
    at: DateTime!
    valueType: String!
    intent: String!
    elementId: String
    elementType: String
  }

  type Incident {
    key: ID!
    processInstanceKey: ID!
    bpmnProcessId: String!
    elementId: String!
    elementInstanceKey: ID!
    jobKey: ID
    errorType: String!
    errorMessage: String!
    createdAt: DateTime!
    event: Event
  }
  type IncidentEdge { cursor: String! node: Incident! }
  type IncidentConnection { edges: [IncidentEdge!]! pageInfo: PageInfo! }

  extend type Query {
    processes: [ProcessSummary!]!
    "Latest version unless given."
    process(bpmnProcessId: String!, version: Int): ProcessDetail
    processInstance(key: ID!): ProcessInstance
    "Open incidents, newest first."
    incidents(processInstanceKey: ID, bpmnProcessId: String, first: Int = 50, after: String): IncidentConnection!
  }

  extend type Mutation {
    """
    Gives the incident's job \`retries\` retries again (UpdateJobRetries) and resolves it (ResolveIncident), through the Zeebe gateway.
    \`jobKey\` is only read against a Camunda 8 cluster, where the service cannot look the incident's job up (Operate shows it).
    """
    retryIncident(key: ID!, retries: Int = 3, jobKey: ID): Boolean!
    cancelProcessInstance(key: ID!): Boolean!
  }
`;

interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

/** Every engine read starts here: who may look, and whether the engine's tables are in this database. */
function engineReader(context: ApiContext): void {
  requireCityMonitor(context);
  requireEngineTables(context);
}

export const monitorResolvers: Resolvers = {
  ProcessSummary: {
    bpmnProcessId: (row: { bpmn_process_id: string }) => row.bpmn_process_id,
    processDefinitionKey: (row: { process_definition_key: string }) => row.process_definition_key,
  },
  ElementStatistics: {
    elementId: (row: { element_id: string }) => row.element_id,
  },
  ProcessDetail: {
    bpmnProcessId: (row: ProcessDefinitionRow) => row.bpmn_process_id,
    processDefinitionKey: (row: ProcessDefinitionRow) => row.process_definition_key,
    bpmnXml: (row: ProcessDefinitionRow) => row.bpmn_xml,
    elements: (row: ProcessDefinitionRow, _: unknown, context: ApiContext) => findElementStatistics(context.db, row.process_definition_key),
    instances: async (row: ProcessDefinitionRow, args: PageArgs & { state?: InstanceState | null }, context: ApiContext) => {
      const size = pageSize(args.first);
      const sort = `instances:${row.process_definition_key}:${args.state ?? 'ALL'}`;
      const after = decodeCursor(args.after, sort, 1);
      const rows = await findProcessInstances(context.db, {
        kind: 'definition',
        processDefinitionKey: row.process_definition_key,
        state: args.state ?? null,
        afterKey: after === undefined ? null : String(after[0]),
        limit: size + 1,
      });
      return toPage(rows, size, (instance) => encodeCursor(sort, [instance.key]));
    },
  },
  ProcessInstance: {
    bpmnProcessId: (row: ProcessInstanceRow) => row.bpmn_process_id,
    startedAt: (row: ProcessInstanceRow) => row.started_at,
    endedAt: (row: ProcessInstanceRow) => row.ended_at,
    variables: async (row: ProcessInstanceRow, _: unknown, context: ApiContext) =>
      Object.fromEntries((await monitorLoaders(context).variables.load(row.key)).map((variable) => [variable.name, variable.value])),
    activeElements: async (row: ProcessInstanceRow, _: unknown, context: ApiContext) =>
      (await monitorLoaders(context).activeElements.load(row.key)).map((element) => element.element_id),
    incidents: (row: ProcessInstanceRow, _: unknown, context: ApiContext) => monitorLoaders(context).incidents.load(row.key),
    history: (row: ProcessInstanceRow, _: unknown, context: ApiContext) => monitorLoaders(context).history.load(row.key),
    event: (row: ProcessInstanceRow, _: unknown, context: ApiContext) => eventOfInstance(context, row.key),
  },
  InstanceRecord: {
    valueType: (row: RecordRow) => row.value_type,
    elementId: (row: RecordRow) => row.element_id,
    elementType: (row: RecordRow) => row.element_type,
  },
  Incident: {
    processInstanceKey: (row: IncidentRow) => row.pik,
    bpmnProcessId: (row: IncidentRow) => row.bpmn_process_id,
    elementId: (row: IncidentRow) => row.element_id,
    elementInstanceKey: (row: IncidentRow) => row.element_instance_key,
    jobKey: (row: IncidentRow) => row.job_key,
    errorType: (row: IncidentRow) => row.error_type,
    errorMessage: (row: IncidentRow) => row.error_message,
    createdAt: (row: IncidentRow) => row.created_at,
    event: (row: IncidentRow, _: unknown, context: ApiContext) => eventOfInstance(context, row.pik),
  },
  Query: {
    processes: (_: unknown, __: unknown, context: ApiContext) => {
      engineReader(context);
      return findProcessSummaries(context.db);
    },
    process: (_: unknown, args: { bpmnProcessId: string; version?: number | null }, context: ApiContext) => {
      engineReader(context);
      return findProcessDefinition(context.db, args.bpmnProcessId, args.version ?? null);
    },
    processInstance: async (_: unknown, args: { key: string }, context: ApiContext) => {
      engineReader(context);
      const [row] = await findProcessInstances(context.db, { kind: 'instance', key: engineKey(args.key, 'key') });
      return row ?? null;
    },
    incidents: async (_: unknown, args: PageArgs & { processInstanceKey?: string | null; bpmnProcessId?: string | null }, context: ApiContext) => {
      engineReader(context);
      const size = pageSize(args.first);
      const after = decodeCursor(args.after, 'incidents', 1);
      const rows = await findIncidentPage(context.db, {
        processInstanceKey: args.processInstanceKey == null ? null : engineKey(args.processInstanceKey, 'processInstanceKey'),
        bpmnProcessId: args.bpmnProcessId ?? null,
        afterKey: after === undefined ? null : String(after[0]),
        limit: size + 1,
      });
      return toPage(rows, size, (incident) => encodeCursor('incidents', [incident.key]));
    },
  },
  Mutation: {
    retryIncident: async (_: unknown, args: { key: string; retries?: number | null; jobKey?: string | null }, context: ApiContext) => {
      requireCityMonitor(context);
      const jobKey = args.jobKey == null ? null : engineKey(args.jobKey, 'jobKey');
      await retryIncident(context, engineKey(args.key, 'key'), args.retries ?? 3, jobKey);
      return true;
    },
    cancelProcessInstance: async (_: unknown, args: { key: string }, context: ApiContext) => {
      requireCityMonitor(context);
      await cancelProcessInstance(context, engineKey(args.key, 'key'));
      return true;
    },
  },
};

async function eventOfInstance(context: ApiContext, processInstanceKey: string) {
  const eventId = await monitorLoaders(context).eventId.load(processInstanceKey);
  return eventId === null ? null : context.loaders.event.load(eventId);
}
