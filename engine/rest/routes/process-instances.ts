import type {
  CancelProcessInstanceRequest,
  CreateProcessInstanceResult,
  ProcessInstanceCreationInstructionById,
  ProcessInstanceCreationInstructionByKey,
  BatchOperationCreatedResult,
  ProcessInstanceIncidentResolutionBatchOperationRequest,
  ProcessInstanceModificationInstruction,
  ProcessInstanceResult,
  ProcessInstanceSearchQuery,
  ProcessInstanceSearchQueryResult,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { CreatedInstance, CreateInstanceInput, Variables } from '../../api';
import type { Queryable } from '../../../db/queryable';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey, DEFAULT_TENANT } from '../keys';
import { notFound } from '../problem';
import { Conditions, enumFilter, integerFilter, isoDate, keyFilter, searchPage, orderBy, pageResponse, pageSchema, prefixed, sortSchema, stringFilter } from '../search';
import { longKey, noQueryParameters, notOffered, parseBody, parseKeyParam, requestSchema, toKeyNumber, variablesSchema } from '../validate';

const tenantId = z.literal(DEFAULT_TENANT, { error: `this engine has only the tenant '${DEFAULT_TENANT}'` }).optional();

const creationFields = {
  variables: variablesSchema.optional(),
  tenantId,
  operationReference: notOffered(),
  startInstructions: z.array(z.strictObject({ elementId: z.string().min(1) })).optional(),
  runtimeInstructions: notOffered(),
  tags: notOffered(),
  awaitCompletion: z.boolean().optional(),
  fetchVariables: z.array(z.string()).optional(),
  // An int64 in the spec: Camunda's own client sends it as a string of digits.
  requestTimeout: z.union([z.int().min(0), z.string().regex(/^\d{1,15}$/, { error: 'expected milliseconds' }).transform(Number)]).optional(),
};

const createByIdSchema = requestSchema<ProcessInstanceCreationInstructionById>()(
  z.strictObject({ processDefinitionId: z.string().min(1), processDefinitionVersion: z.int().optional(), ...creationFields }),
);
const createByKeySchema = requestSchema<ProcessInstanceCreationInstructionByKey>()(
  z.strictObject({ processDefinitionKey: longKey, ...creationFields }),
);

const cancelSchema = requestSchema<NonNullable<CancelProcessInstanceRequest>>()(z.strictObject({ operationReference: notOffered() }));

const STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const;

const modificationSchema = requestSchema<ProcessInstanceModificationInstruction>()(
  z.strictObject({
    operationReference: notOffered(),
    activateInstructions: z
      .array(
        z.strictObject({
          elementId: z.string().min(1),
          variableInstructions: z.array(z.strictObject({ variables: variablesSchema, scopeId: z.string().optional() })).optional(),
          // "-1" (Camunda's default) or absent: the engine chooses the ancestor.
          ancestorElementInstanceKey: z.union([z.literal('-1'), longKey]).optional(),
        }),
      )
      .optional(),
    terminateInstructions: z.array(z.strictObject({ elementInstanceKey: longKey })).optional(),
  }),
);

/** Sort fields offered, and the column of the search's row each sorts by. */
const SORT_COLUMNS = {
  processInstanceKey: 'process_instance_key',
  processDefinitionId: 'bpmn_process_id',
  processDefinitionName: 'process_definition_name',
  processDefinitionVersion: 'version',
  processDefinitionKey: 'process_definition_key',
  startDate: 'start_date',
  endDate: 'ended_at',
  state: 'state',
  hasIncident: 'has_incident',
} as const;

/** The filter fields of Camunda's ProcessInstanceFilter that this engine answers. */
export const instanceFilterSchema = z.strictObject({
  processInstanceKey: keyFilter,
  processDefinitionId: stringFilter,
  processDefinitionName: stringFilter,
  processDefinitionVersion: integerFilter,
  processDefinitionKey: keyFilter,
  state: enumFilter(STATES),
  hasIncident: z.boolean().optional(),
  tenantId: stringFilter,
});

const incidentResolutionSchema = requestSchema<ProcessInstanceIncidentResolutionBatchOperationRequest>()(z.strictObject({ filter: instanceFilterSchema }));

type InstanceFilter = z.output<typeof instanceFilterSchema>;

/** The filter as conditions on the columns of INSTANCES (aliased `q`). */
export function instanceConditions(filter: InstanceFilter): Conditions {
  return new Conditions()
    .add('q.process_instance_key', filter.processInstanceKey, 'bigint')
    .add('q.bpmn_process_id', filter.processDefinitionId)
    .add('q.process_definition_name', filter.processDefinitionName)
    .add('q.version', filter.processDefinitionVersion, 'integer')
    .add('q.process_definition_key', filter.processDefinitionKey, 'bigint')
    .add('q.state', filter.state)
    .add('q.has_incident', filter.hasIncident, 'boolean')
    .add('q.tenant_id', filter.tenantId);
}

const searchSchema = requestSchema<ProcessInstanceSearchQuery>()(
  z
    .strictObject({
      page: pageSchema,
      sort: sortSchema(['processInstanceKey', 'processDefinitionId', 'processDefinitionName', 'processDefinitionVersion', 'processDefinitionKey', 'startDate', 'endDate', 'state', 'hasIncident']),
      filter: instanceFilterSchema.optional(),
    }),
);

interface ProcessInstanceRow {
  readonly process_instance_key: string;
  readonly process_definition_key: string;
  readonly bpmn_process_id: string;
  readonly process_definition_name: string;
  readonly version: number;
  readonly state: (typeof STATES)[number];
  readonly start_date: Date | null;
  readonly ended_at: Date | null;
  readonly has_incident: boolean;
  readonly total_items: string;
}

/**
 * One row per process instance with what Camunda's answer needs: its start
 * is its activation, its name the definition's. Filters and sorts apply to
 * these columns.
 */
export const INSTANCES = `
  select pi.process_instance_key, pi.process_definition_key, pi.bpmn_process_id, pi.version, pi.state, pi.ended_at,
         coalesce(pd.name, pi.bpmn_process_id) as process_definition_name,
         '${DEFAULT_TENANT}'::text as tenant_id,
         (select s.started_at from engine_read.element_started s
           where s.process_instance_key = pi.process_instance_key and s.element_instance_key = pi.process_instance_key) as start_date,
         exists (select 1 from engine_read.incident i where i.process_instance_key = pi.process_instance_key) as has_incident
    from engine_read.process_instance pi
    left join engine_read.process_definition pd on pd.process_definition_key = pi.process_definition_key`;

function toResult(row: ProcessInstanceRow): ProcessInstanceResult {
  const endDate = isoDate(row.ended_at);
  return {
    processDefinitionId: apiKey(row.bpmn_process_id),
    processDefinitionName: row.process_definition_name,
    processDefinitionVersion: row.version,
    startDate: isoDate(row.start_date) ?? new Date(0).toISOString(),
    ...(endDate !== undefined && { endDate }),
    state: row.state,
    hasIncident: row.has_incident,
    tenantId: apiKey(DEFAULT_TENANT),
    processInstanceKey: apiKey(row.process_instance_key),
    processDefinitionKey: apiKey(row.process_definition_key),
  };
}

async function findInstance(db: Queryable, key: number): Promise<ProcessInstanceResult | undefined> {
  const { rows } = await db.query<ProcessInstanceRow>(
    `select q.*, 1 as total_items from (${INSTANCES}) q where q.process_instance_key = $1::bigint`,
    [String(key)],
  );
  return rows[0] && toResult(rows[0]);
}

/** Creation (with awaitCompletion), cancellation, search and get of process instances. */
export function processInstanceRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/process-instances',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body: unknown = request.body;
      const byKey = typeof body === 'object' && body !== null && 'processDefinitionKey' in body;
      const instruction = byKey ? parseBody(createByKeySchema, body) : parseBody(createByIdSchema, body);
      const common = { variables: instruction.variables ?? {}, startInstructions: (instruction.startInstructions ?? []).map((start) => start.elementId) };
      const input: CreateInstanceInput =
        'processDefinitionKey' in instruction
          ? { processDefinitionKey: toKeyNumber(instruction.processDefinitionKey, 'processDefinitionKey'), ...common }
          : { bpmnProcessId: instruction.processDefinitionId, version: instruction.processDefinitionVersion ?? -1, ...common };
      let variables: Variables = {};
      let created: CreatedInstance;
      if (instruction.awaitCompletion === true) {
        const completed = await ctx.engine.createProcessInstanceWithResult(input, instruction.fetchVariables ?? [], instruction.requestTimeout ?? 0);
        created = completed;
        variables = completed.variables;
      } else {
        created = await ctx.engine.createProcessInstance(input);
      }
      sendJson<CreateProcessInstanceResult>(response, 200, {
        processDefinitionId: apiKey(created.bpmnProcessId),
        processDefinitionVersion: created.version,
        tenantId: apiKey(DEFAULT_TENANT),
        variables,
        processDefinitionKey: apiKey(created.processDefinitionKey),
        processInstanceKey: apiKey(created.processInstanceKey),
      });
    }),
  );

  router.post(
    '/process-instances/search',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const query = parseBody(searchSchema, request.body);
      const conditions = instanceConditions(query.filter ?? {});
      const order = orderBy(query.sort, prefixed(SORT_COLUMNS), 'q.process_instance_key asc');
      const { rows, totalItems } = await searchPage<ProcessInstanceRow>(ctx.db, { select: 'select q.*', source: INSTANCES, conditions, order, page: query.page });
      sendJson<ProcessInstanceSearchQueryResult>(response, 200, { items: rows.map(toResult), page: pageResponse(totalItems) });
    }),
  );

  router.get(
    '/process-instances/:processInstanceKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('processInstanceKey', request.params.processInstanceKey);
      const instance = await findInstance(ctx.db, key);
      if (!instance) throw notFound(`Process instance with key '${key}' not found`);
      sendJson<ProcessInstanceResult>(response, 200, instance);
    }),
  );

  router.post(
    '/process-instances/:processInstanceKey/cancellation',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('processInstanceKey', request.params.processInstanceKey);
      parseBody(cancelSchema, request.body);
      await ctx.engine.cancelProcessInstance(key);
      response.status(204).end();
    }),
  );

  router.post(
    '/process-instances/:processInstanceKey/modification',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const processInstanceKey = parseKeyParam('processInstanceKey', request.params.processInstanceKey);
      const instruction = parseBody(modificationSchema, request.body);
      await ctx.engine.modifyProcessInstance({
        processInstanceKey,
        activateInstructions: (instruction.activateInstructions ?? []).map((activate, index) => ({
          elementId: activate.elementId,
          ancestorElementInstanceKey:
            activate.ancestorElementInstanceKey === undefined || activate.ancestorElementInstanceKey === '-1'
              ? 0
              : toKeyNumber(activate.ancestorElementInstanceKey, `activateInstructions[${index}].ancestorElementInstanceKey`),
          variableInstructions: (activate.variableInstructions ?? []).map((variables) => ({ scopeId: variables.scopeId ?? '', variables: variables.variables })),
        })),
        terminateInstructions: (instruction.terminateInstructions ?? []).map((terminate, index) =>
          toKeyNumber(terminate.elementInstanceKey, `terminateInstructions[${index}].elementInstanceKey`),
        ),
      });
      response.status(204).end();
    }),
  );

  router.post(
    '/process-instances/incident-resolution',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const { filter } = parseBody(incidentResolutionSchema, request.body);
      const conditions = instanceConditions(filter);
      const { rows } = await ctx.db.query<{ incident_key: string; job_key: string | null }>(
        `select i.incident_key::text as incident_key, i.job_key::text as job_key
           from engine_read.incident i
          where i.process_instance_key in (select q.process_instance_key from (${INSTANCES}) q ${conditions.where()})
          order by i.incident_key`,
        conditions.values,
      );
      // Resolved here and now rather than as a tracked batch operation: the answer carries no batch key to look up.
      for (const row of rows) {
        // A job's incident comes back at once unless the job has a retry again.
        if (row.job_key !== null) await ctx.engine.updateJobRetries(toKeyNumber(row.job_key, 'jobKey'), 1);
        await ctx.engine.resolveIncident(toKeyNumber(row.incident_key, 'incidentKey'));
      }
      sendJson<BatchOperationCreatedResult>(response, 200, { batchOperationType: 'RESOLVE_INCIDENT' });
    }),
  );

  return router;
}

/** A page past the last row has no row to carry the count. */
