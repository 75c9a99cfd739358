import type { ElementInstanceResult, ElementInstanceSearchQuery, ElementInstanceSearchQueryResult } from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { Queryable } from '../../../db/queryable';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey, DEFAULT_TENANT } from '../keys';
import { notFound } from '../problem';
import { Conditions, enumFilter, isoDate, searchPage, orderBy, pageResponse, pageSchema, prefixed, sortSchema } from '../search';
import { longKey, noQueryParameters, parseBody, parseKeyParam, requestSchema } from '../validate';

type ElementType = ElementInstanceResult['type'];

/** The engine's BPMN element types as Camunda's REST API names them. */
const ELEMENT_TYPES: Readonly<Record<string, ElementType>> = {
  PROCESS: 'PROCESS',
  SUB_PROCESS: 'SUB_PROCESS',
  EVENT_SUB_PROCESS: 'EVENT_SUB_PROCESS',
  AD_HOC_SUB_PROCESS: 'AD_HOC_SUB_PROCESS',
  START_EVENT: 'START_EVENT',
  INTERMEDIATE_CATCH_EVENT: 'INTERMEDIATE_CATCH_EVENT',
  INTERMEDIATE_THROW_EVENT: 'INTERMEDIATE_THROW_EVENT',
  BOUNDARY_EVENT: 'BOUNDARY_EVENT',
  END_EVENT: 'END_EVENT',
  SERVICE_TASK: 'SERVICE_TASK',
  RECEIVE_TASK: 'RECEIVE_TASK',
  USER_TASK: 'USER_TASK',
  MANUAL_TASK: 'MANUAL_TASK',
  TASK: 'TASK',
  EXCLUSIVE_GATEWAY: 'EXCLUSIVE_GATEWAY',
  INCLUSIVE_GATEWAY: 'INCLUSIVE_GATEWAY',
  PARALLEL_GATEWAY: 'PARALLEL_GATEWAY',
  EVENT_BASED_GATEWAY: 'EVENT_BASED_GATEWAY',
  SEQUENCE_FLOW: 'SEQUENCE_FLOW',
  MULTI_INSTANCE_BODY: 'MULTI_INSTANCE_BODY',
  CALL_ACTIVITY: 'CALL_ACTIVITY',
  BUSINESS_RULE_TASK: 'BUSINESS_RULE_TASK',
  SCRIPT_TASK: 'SCRIPT_TASK',
  SEND_TASK: 'SEND_TASK',
};

const STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const;

const SORT_COLUMNS = {
  elementInstanceKey: 'element_instance_key',
  processInstanceKey: 'process_instance_key',
  processDefinitionKey: 'process_definition_key',
  processDefinitionId: 'bpmn_process_id',
  startDate: 'start_date',
  endDate: 'ended_at',
  elementId: 'element_id',
  type: 'element_type',
  state: 'state',
} as const;

const searchSchema = requestSchema<ElementInstanceSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(['elementInstanceKey', 'processInstanceKey', 'processDefinitionKey', 'processDefinitionId', 'startDate', 'endDate', 'elementId', 'type', 'state']),
    filter: z
      .strictObject({
        processDefinitionId: z.string().optional(),
        state: enumFilter(STATES),
        type: z.enum(Object.keys(ELEMENT_TYPES) as [ElementType, ...ElementType[]]).optional(),
        elementId: z.string().optional(),
        hasIncident: z.boolean().optional(),
        tenantId: z.string().optional(),
        elementInstanceKey: longKey.optional(),
        processInstanceKey: longKey.optional(),
        processDefinitionKey: longKey.optional(),
        elementInstanceScopeKey: longKey.optional(),
      })
      .optional(),
  }),
);

interface ElementInstanceRow {
  readonly element_instance_key: string;
  readonly process_instance_key: string;
  readonly process_definition_key: string;
  readonly bpmn_process_id: string;
  readonly element_id: string;
  readonly element_type: string;
  readonly state: (typeof STATES)[number];
  readonly start_date: Date | null;
  readonly ended_at: Date | null;
  readonly incident_key: string | null;
  readonly total_items: string;
}

/** Live element instances and ended ones, one row each, with start, end and open incident. */
const ELEMENTS = `
  select e.*, '${DEFAULT_TENANT}'::text as tenant_id,
         (select s.started_at from engine_read.element_started s
           where s.process_instance_key = e.process_instance_key and s.element_instance_key = e.element_instance_key) as start_date,
         (select min(i.incident_key) from engine_read.incident i where i.element_instance_key = e.element_instance_key)::text as incident_key
    from (
      select element_instance_key, process_instance_key, process_definition_key, bpmn_process_id, element_id, element_type,
             flow_scope_key, 'ACTIVE'::text as state, null::timestamptz as ended_at
        from engine_read.element_instance
      union all
      select x.element_instance_key, x.process_instance_key, x.process_definition_key, x.bpmn_process_id, x.element_id, x.element_type,
             null::bigint as flow_scope_key, x.state, x.ended_at
        from engine_read.ended_element x
    ) e`;

function toResult(row: ElementInstanceRow): ElementInstanceResult {
  const endDate = isoDate(row.ended_at);
  return {
    processDefinitionId: apiKey(row.bpmn_process_id),
    startDate: isoDate(row.start_date) ?? new Date(0).toISOString(),
    ...(endDate !== undefined && { endDate }),
    elementId: apiKey(row.element_id),
    // The read views carry no element names; the id stands in, as modelers show it for unnamed elements.
    elementName: row.element_id,
    type: ELEMENT_TYPES[row.element_type] ?? 'UNKNOWN',
    state: row.state,
    hasIncident: row.incident_key !== null,
    tenantId: apiKey(DEFAULT_TENANT),
    elementInstanceKey: apiKey(row.element_instance_key),
    processInstanceKey: apiKey(row.process_instance_key),
    processDefinitionKey: apiKey(row.process_definition_key),
    ...(row.incident_key !== null && { incidentKey: apiKey(row.incident_key) }),
  };
}

const SELECT = `select q.element_instance_key::text as element_instance_key, q.process_instance_key::text as process_instance_key,
                       q.process_definition_key::text as process_definition_key, q.bpmn_process_id, q.element_id, q.element_type,
                       q.state, q.start_date, q.ended_at, q.incident_key`;

async function findElement(db: Queryable, key: number): Promise<ElementInstanceResult | undefined> {
  const { rows } = await db.query<ElementInstanceRow>(`${SELECT}, 1 as total_items from (${ELEMENTS}) q where q.element_instance_key = $1::bigint`, [String(key)]);
  return rows[0] && toResult(rows[0]);
}

/** Search and get of element instances (live and ended). */
export function elementInstanceRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/element-instances/search',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const query = parseBody(searchSchema, request.body);
      const filter = query.filter ?? {};
      const conditions = new Conditions()
        .add('q.bpmn_process_id', filter.processDefinitionId)
        .add('q.state', filter.state)
        .add('q.element_type', filter.type)
        .add('q.element_id', filter.elementId)
        .add('q.tenant_id', filter.tenantId)
        .add('q.element_instance_key', filter.elementInstanceKey, 'bigint')
        .add('q.process_instance_key', filter.processInstanceKey, 'bigint')
        .add('q.process_definition_key', filter.processDefinitionKey, 'bigint')
        .add('q.flow_scope_key', filter.elementInstanceScopeKey, 'bigint');
      if (filter.hasIncident !== undefined) conditions.clauses.push(`q.incident_key is ${filter.hasIncident ? 'not ' : ''}null`);
      const order = orderBy(query.sort, prefixed(SORT_COLUMNS), 'q.element_instance_key asc');
      const { rows, totalItems } = await searchPage<ElementInstanceRow>(ctx.db, { select: SELECT, source: ELEMENTS, conditions, order, page: query.page });
      sendJson<ElementInstanceSearchQueryResult>(response, 200, { items: rows.map(toResult), page: pageResponse(totalItems) });
    }),
  );

  router.get(
    '/element-instances/:elementInstanceKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('elementInstanceKey', request.params.elementInstanceKey);
      const element = await findElement(ctx.db, key);
      if (!element) throw notFound(`Element instance with key '${key}' not found`);
      sendJson<ElementInstanceResult>(response, 200, element);
    }),
  );

  return router;
}
