import type {
  ProcessDefinitionElementStatisticsQuery,
  ProcessDefinitionElementStatisticsQueryResult,
  ProcessDefinitionResult,
  ProcessDefinitionSearchQuery,
  ProcessDefinitionSearchQueryResult,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { Queryable } from '../../../db/queryable';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey, DEFAULT_TENANT } from '../keys';
import { notFound } from '../problem';
import { Conditions, keyFilter, searchPage, orderBy, pageResponse, pageSchema, prefixed, sortSchema, stringFilter } from '../search';
import { longKey, noQueryParameters, parseBody, parseKeyParam, requestSchema } from '../validate';

const SORT_COLUMNS = {
  processDefinitionKey: 'process_definition_key',
  name: 'name',
  version: 'version',
  processDefinitionId: 'bpmn_process_id',
  tenantId: 'tenant_id',
} as const;

const searchSchema = requestSchema<ProcessDefinitionSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(['processDefinitionKey', 'name', 'version', 'processDefinitionId', 'tenantId']),
    filter: z
      .strictObject({
        name: stringFilter,
        isLatestVersion: z.boolean().optional(),
        version: z.int().optional(),
        processDefinitionId: stringFilter,
        tenantId: z.string().optional(),
        processDefinitionKey: longKey.optional(),
        hasStartForm: z.boolean().optional(),
      })
      .optional(),
  }),
);

/** Filter fields of Camunda's statistics query that this engine answers: the instances' keys. */
const statisticsSchema = requestSchema<ProcessDefinitionElementStatisticsQuery>()(
  z.strictObject({
    filter: z.strictObject({ processInstanceKey: keyFilter }).optional(),
  }),
);

interface DefinitionRow {
  readonly process_definition_key: string;
  readonly bpmn_process_id: string;
  readonly version: number;
  readonly name: string | null;
  readonly total_items: string;
}

/** Deployed definitions (deleted ones, still draining, are no longer offered), each knowing whether it is the latest version. */
const DEFINITIONS = `
  select d.process_definition_key, d.bpmn_process_id, d.version, d.name, '${DEFAULT_TENANT}'::text as tenant_id,
         d.version = max(d.version) over (partition by d.bpmn_process_id) as is_latest_version,
         false as has_start_form
    from engine_read.process_definition d
   where not d.deleted`;

function toResult(row: DefinitionRow): ProcessDefinitionResult {
  return {
    ...(row.name !== null && { name: row.name }),
    version: row.version,
    processDefinitionId: apiKey(row.bpmn_process_id),
    tenantId: apiKey(DEFAULT_TENANT),
    processDefinitionKey: apiKey(row.process_definition_key),
    hasStartForm: false,
  };
}

const SELECT = 'select q.process_definition_key::text as process_definition_key, q.bpmn_process_id, q.version, q.name';

async function findDefinition(db: Queryable, key: number): Promise<DefinitionRow | undefined> {
  const { rows } = await db.query<DefinitionRow>(`${SELECT}, 1 as total_items from (${DEFINITIONS}) q where q.process_definition_key = $1::bigint`, [String(key)]);
  return rows[0];
}

function definitionNotFound(key: number): Error {
  return notFound(`Process definition with key '${key}' not found`);
}

/** Search, get, XML and element statistics of process definitions. */
export function processDefinitionRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/process-definitions/search',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const query = parseBody(searchSchema, request.body);
      const filter = query.filter ?? {};
      const conditions = new Conditions()
        .add('q.name', filter.name)
        .add('q.is_latest_version', filter.isLatestVersion, 'boolean')
        .add('q.version', filter.version, 'integer')
        .add('q.bpmn_process_id', filter.processDefinitionId)
        .add('q.tenant_id', filter.tenantId)
        .add('q.process_definition_key', filter.processDefinitionKey, 'bigint')
        .add('q.has_start_form', filter.hasStartForm, 'boolean');
      const order = orderBy(query.sort, prefixed(SORT_COLUMNS), 'q.process_definition_key asc');
      const { rows, totalItems } = await searchPage<DefinitionRow>(ctx.db, { select: SELECT, source: DEFINITIONS, conditions, order, page: query.page });
      sendJson<ProcessDefinitionSearchQueryResult>(response, 200, { items: rows.map(toResult), page: pageResponse(totalItems) });
    }),
  );

  router.get(
    '/process-definitions/:processDefinitionKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('processDefinitionKey', request.params.processDefinitionKey);
      const row = await findDefinition(ctx.db, key);
      if (!row) throw definitionNotFound(key);
      sendJson<ProcessDefinitionResult>(response, 200, toResult(row));
    }),
  );

  router.get(
    '/process-definitions/:processDefinitionKey/xml',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('processDefinitionKey', request.params.processDefinitionKey);
      const { rows } = await ctx.db.query<{ bpmn_xml: string }>(
        'select bpmn_xml from engine_read.process_definition where process_definition_key = $1::bigint and not deleted',
        [String(key)],
      );
      if (!rows[0]) throw definitionNotFound(key);
      response.status(200).type('text/xml').send(rows[0].bpmn_xml);
    }),
  );

  router.post(
    '/process-definitions/:processDefinitionKey/statistics/element-instances',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('processDefinitionKey', request.params.processDefinitionKey);
      const query = parseBody(statisticsSchema, request.body);
      if (!(await findDefinition(ctx.db, key))) throw definitionNotFound(key);
      const conditions = new Conditions();
      const definition = conditions.param(String(key));
      conditions.add('s.process_instance_key', query.filter?.processInstanceKey, 'bigint');
      const extra = conditions.clauses.map((clause) => `and ${clause}`).join(' ');
      const { rows } = await ctx.db.query<{ element_id: string; active: string; canceled: string; completed: string; incidents: string }>(
        `select s.element_id,
                count(*) filter (where s.kind = 'ACTIVE') as active,
                count(*) filter (where s.kind = 'TERMINATED') as canceled,
                count(*) filter (where s.kind = 'COMPLETED') as completed,
                count(*) filter (where s.kind = 'INCIDENT') as incidents
           from (
             select e.element_id, e.process_instance_key, 'ACTIVE'::text as kind
               from engine_read.element_instance e
              where e.process_definition_key = ${definition}::bigint and e.element_type <> 'PROCESS'
                and not exists (select 1 from engine_read.incident i where i.element_instance_key = e.element_instance_key)
             union all
             select i.element_id, i.process_instance_key, 'INCIDENT'
               from engine_read.incident i
              where i.process_definition_key = ${definition}::bigint
             union all
             select x.element_id, x.process_instance_key, x.state
               from engine_read.ended_element x
              where x.process_definition_key = ${definition}::bigint and x.element_type <> 'PROCESS'
           ) s
          where true ${extra}
          group by s.element_id
          order by s.element_id`,
        conditions.values,
      );
      sendJson<ProcessDefinitionElementStatisticsQueryResult>(response, 200, {
        items: rows.map((row) => ({
          elementId: apiKey(row.element_id),
          active: Number(row.active),
          canceled: Number(row.canceled),
          incidents: Number(row.incidents),
          completed: Number(row.completed),
        })),
      });
    }),
  );

  return router;
}
