/**
 * Incidents: search and get over the read contract's `incident_history`
 * (open and resolved incidents), and resolution. Reads are immediately
 * consistent: a command is answered only after its batch is committed, and
 * the views read committed state.
 */
import type {
  ElementId,
  ElementInstanceKey,
  IncidentKey,
  IncidentResolutionRequest,
  IncidentResult,
  IncidentSearchQuery,
  IncidentSearchQueryResult,
  JobKey,
  ProcessDefinitionId,
  ProcessDefinitionKey,
  ProcessInstanceKey,
  TenantId,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { DEFAULT_TENANT, apiKey } from '../keys';
import { notFound } from '../problem';
import { Conditions, isoDate, searchPage, orderBy, pageResponse, pageSchema, sortSchema } from '../search';
import { longKey, noQueryParameters, notOffered, parseBody, parseKeyParam, requestSchema } from '../validate';
import { tenantIdSchema } from '../wire';

const ERROR_TYPES = [
  'UNSPECIFIED',
  'UNKNOWN',
  'IO_MAPPING_ERROR',
  'JOB_NO_RETRIES',
  'EXECUTION_LISTENER_NO_RETRIES',
  'TASK_LISTENER_NO_RETRIES',
  'AD_HOC_SUB_PROCESS_NO_RETRIES',
  'CONDITION_ERROR',
  'EXTRACT_VALUE_ERROR',
  'CALLED_ELEMENT_ERROR',
  'UNHANDLED_ERROR_EVENT',
  'MESSAGE_SIZE_EXCEEDED',
  'CALLED_DECISION_ERROR',
  'DECISION_EVALUATION_ERROR',
  'FORM_NOT_FOUND',
  'RESOURCE_NOT_FOUND',
] as const satisfies readonly NonNullable<IncidentResult['errorType']>[];
type ErrorType = (typeof ERROR_TYPES)[number];

const SORT_COLUMNS = {
  incidentKey: 'incident_key',
  processDefinitionKey: 'process_definition_key',
  processDefinitionId: 'bpmn_process_id',
  processInstanceKey: 'process_instance_key',
  errorType: 'error_type',
  errorMessage: 'error_message',
  elementId: 'element_id',
  elementInstanceKey: 'element_instance_key',
  creationTime: 'created_at',
  state: 'state',
  jobKey: 'job_key',
} as const;
type SortField = keyof typeof SORT_COLUMNS;
const SORT_FIELDS = Object.keys(SORT_COLUMNS) as [SortField, ...SortField[]];

const searchSchema = requestSchema<IncidentSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(SORT_FIELDS),
    filter: z
      .strictObject({
        processDefinitionId: z.string().optional(),
        errorType: z.enum(ERROR_TYPES).optional(),
        errorMessage: z.string().optional(),
        elementId: z.string().optional(),
        // Ranges of instants are not offered by this engine's incident search.
        creationTime: notOffered(),
        state: z.enum(['ACTIVE', 'MIGRATED', 'RESOLVED', 'PENDING']).optional(),
        tenantId: tenantIdSchema.optional(),
        incidentKey: longKey.optional(),
        processDefinitionKey: longKey.optional(),
        processInstanceKey: longKey.optional(),
        elementInstanceKey: longKey.optional(),
        jobKey: longKey.optional(),
      })
      .optional(),
  }),
);

const resolutionSchema = requestSchema<IncidentResolutionRequest>()(z.strictObject({ operationReference: notOffered() }));

interface IncidentRow {
  readonly incident_key: string;
  readonly process_instance_key: string;
  readonly process_definition_key: string;
  readonly bpmn_process_id: string;
  readonly element_id: string;
  readonly element_instance_key: string;
  readonly job_key: string | null;
  readonly error_type: string;
  readonly error_message: string;
  readonly state: 'ACTIVE' | 'RESOLVED';
  readonly created_at: Date;
}

function isErrorType(value: string): value is ErrorType {
  return (ERROR_TYPES as readonly string[]).includes(value);
}

function toIncidentResult(row: IncidentRow): IncidentResult {
  return {
    incidentKey: apiKey<IncidentKey>(row.incident_key),
    processDefinitionId: apiKey<ProcessDefinitionId>(row.bpmn_process_id),
    processDefinitionKey: apiKey<ProcessDefinitionKey>(row.process_definition_key),
    processInstanceKey: apiKey<ProcessInstanceKey>(row.process_instance_key),
    errorType: isErrorType(row.error_type) ? row.error_type : 'UNKNOWN',
    errorMessage: row.error_message,
    elementId: apiKey<ElementId>(row.element_id),
    elementInstanceKey: apiKey<ElementInstanceKey>(row.element_instance_key),
    creationTime: isoDate(row.created_at),
    state: row.state,
    tenantId: apiKey<TenantId>(DEFAULT_TENANT),
    ...(row.job_key === null ? {} : { jobKey: apiKey<JobKey>(row.job_key) }),
  };
}

export function incidentRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/incidents/search',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(searchSchema, request.body);
      const filter = body.filter ?? {};
      const conditions = new Conditions()
        .add('bpmn_process_id', filter.processDefinitionId)
        .add('error_type', filter.errorType)
        .add('error_message', filter.errorMessage)
        .add('element_id', filter.elementId)
        .add('state', filter.state)
        .add('incident_key', filter.incidentKey, 'bigint')
        .add('process_definition_key', filter.processDefinitionKey, 'bigint')
        .add('process_instance_key', filter.processInstanceKey, 'bigint')
        .add('element_instance_key', filter.elementInstanceKey, 'bigint')
        .add('job_key', filter.jobKey, 'bigint');
      const { rows, totalItems } = await searchPage<IncidentRow>(ctx.db, {
        select: 'select q.*',
        source: 'select * from engine_read.incident_history',
        conditions,
        order: orderBy(body.sort, SORT_COLUMNS, 'incident_key asc'),
        page: body.page,
      });
      const result: IncidentSearchQueryResult = { items: rows.map(toIncidentResult), page: pageResponse(totalItems) };
      sendJson(response, 200, result);
    }),
  );

  router.get(
    '/incidents/:incidentKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const incidentKey = parseKeyParam('incidentKey', request.params.incidentKey);
      const { rows } = await ctx.db.query<IncidentRow>('select * from engine_read.incident_history where incident_key = $1::bigint', [String(incidentKey)]);
      const [row] = rows;
      if (!row) throw notFound(`Incident with key '${incidentKey}' not found`);
      sendJson<IncidentResult>(response, 200, toIncidentResult(row));
    }),
  );

  router.post(
    '/incidents/:incidentKey/resolution',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const incidentKey = parseKeyParam('incidentKey', request.params.incidentKey);
      parseBody(resolutionSchema, request.body);
      await ctx.engine.resolveIncident(incidentKey);
      response.status(204).end();
    }),
  );

  return router;
}
