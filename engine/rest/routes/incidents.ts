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
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { notFound } from '../problem';
import { search, pageSchema, sortSchema, type SearchSpec } from '../search-query';
import { longKey, noQueryParameters, notOffered, parseBody, parseKeyParam, requestSchema } from '../validate';
import { DEFAULT_TENANT, optionalWireKey, tenantIdSchema, wireDate, wireKey } from '../wire';

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

const key = <K extends string>() => longKey.transform((value) => value as K);

const searchSchema = requestSchema<IncidentSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(SORT_FIELDS),
    filter: z
      .strictObject({
        processDefinitionId: z.string().transform((value) => value as ProcessDefinitionId).optional(),
        errorType: z.enum(ERROR_TYPES).optional(),
        errorMessage: z.string().optional(),
        elementId: z.string().transform((value) => value as ElementId).optional(),
        // Ranges of instants are not offered by this engine's incident search.
        creationTime: notOffered(),
        state: z.enum(['ACTIVE', 'MIGRATED', 'RESOLVED', 'PENDING']).optional(),
        tenantId: tenantIdSchema.optional(),
        incidentKey: key<IncidentKey>().optional(),
        processDefinitionKey: key<ProcessDefinitionKey>().optional(),
        processInstanceKey: key<ProcessInstanceKey>().optional(),
        elementInstanceKey: key<ElementInstanceKey>().optional(),
        jobKey: key<JobKey>().optional(),
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

const SPEC: SearchSpec<SortField> = {
  view: 'engine_read.incident_history',
  select: '*',
  sortColumns: SORT_COLUMNS,
  tieBreaker: 'incident_key',
};

function isErrorType(value: string): value is ErrorType {
  return (ERROR_TYPES as readonly string[]).includes(value);
}

function toIncidentResult(row: IncidentRow): IncidentResult {
  return {
    incidentKey: wireKey<IncidentKey>(row.incident_key),
    processDefinitionId: row.bpmn_process_id as ProcessDefinitionId,
    processDefinitionKey: wireKey<ProcessDefinitionKey>(row.process_definition_key),
    processInstanceKey: wireKey<ProcessInstanceKey>(row.process_instance_key),
    errorType: isErrorType(row.error_type) ? row.error_type : 'UNKNOWN',
    errorMessage: row.error_message,
    elementId: row.element_id as ElementId,
    elementInstanceKey: wireKey<ElementInstanceKey>(row.element_instance_key),
    creationTime: wireDate(row.created_at),
    state: row.state,
    tenantId: DEFAULT_TENANT,
    ...(row.job_key === null ? {} : { jobKey: optionalWireKey<JobKey>(row.job_key) }),
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
      const found = await search<IncidentRow, SortField>(ctx.db, SPEC, body, [
        { column: 'bpmn_process_id', value: filter.processDefinitionId },
        { column: 'error_type', value: filter.errorType },
        { column: 'error_message', value: filter.errorMessage },
        { column: 'element_id', value: filter.elementId },
        { column: 'state', value: filter.state },
        { column: 'incident_key', value: filter.incidentKey },
        { column: 'process_definition_key', value: filter.processDefinitionKey },
        { column: 'process_instance_key', value: filter.processInstanceKey },
        { column: 'element_instance_key', value: filter.elementInstanceKey },
        { column: 'job_key', value: filter.jobKey },
      ]);
      const result: IncidentSearchQueryResult = { items: found.rows.map(toIncidentResult), page: found.page };
      sendJson(response, 200, result);
    }),
  );

  router.get(
    '/incidents/:incidentKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const incidentKey = parseKeyParam('incidentKey', request.params.incidentKey);
      const { rows } = await ctx.db.query<IncidentRow>('select * from engine_read.incident_history where incident_key = $1', [incidentKey]);
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
