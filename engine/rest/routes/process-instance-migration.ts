import type {
  BatchOperationCreatedResult,
  ProcessInstanceMigrationBatchOperationRequest,
  ProcessInstanceMigrationInstruction,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { MigrateProcessInstanceInput } from '../../api';
import type { BatchWorker } from '../batch-operations';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey } from '../keys';
import { longKey, noQueryParameters, notOffered, parseBody, parseKeyParam, requestSchema, toKeyNumber } from '../validate';
import { instanceConditions, instanceFilterSchema, INSTANCES } from './process-instances';

const mappingInstructions = z.array(z.strictObject({ sourceElementId: z.string().min(1), targetElementId: z.string().min(1) }));

const migrationSchema = requestSchema<ProcessInstanceMigrationInstruction>()(
  z.strictObject({ targetProcessDefinitionKey: longKey, mappingInstructions, operationReference: notOffered() }),
);

const batchSchema = requestSchema<ProcessInstanceMigrationBatchOperationRequest>()(
  z.strictObject({
    filter: instanceFilterSchema,
    migrationPlan: z.strictObject({ targetProcessDefinitionKey: longKey, mappingInstructions }),
  }),
);

type Plan = z.output<typeof migrationSchema>;

function toInput(processInstanceKey: number, plan: Plan): MigrateProcessInstanceInput {
  return {
    processInstanceKey,
    targetProcessDefinitionKey: toKeyNumber(plan.targetProcessDefinitionKey, 'targetProcessDefinitionKey'),
    mappingInstructions: plan.mappingInstructions,
  };
}

/** What a migration batch stores for its items: the plan, without an instance. */
function migrationPlanOf(input: MigrateProcessInstanceInput): Omit<MigrateProcessInstanceInput, 'processInstanceKey'> {
  return { targetProcessDefinitionKey: input.targetProcessDefinitionKey, mappingInstructions: input.mappingInstructions };
}

/** The batch worker of MIGRATE_PROCESS_INSTANCE: migrates one instance by the stored plan. */
export function migrationBatchWorker(engine: RestContext['engine']): BatchWorker {
  return (plan, processInstanceKey) =>
    engine.migrateProcessInstance({ ...(plan as Omit<MigrateProcessInstanceInput, 'processInstanceKey'>), processInstanceKey });
}

/**
 * Process instance migration: one instance (answered when the engine has
 * migrated or rejected it), or every active instance a filter finds, as a
 * batch operation (answered with its key at once; batch-operations.ts).
 */
export function processInstanceMigrationRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/process-instances/:processInstanceKey/migration',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const processInstanceKey = parseKeyParam('processInstanceKey', request.params.processInstanceKey);
      const plan = parseBody(migrationSchema, request.body);
      await ctx.engine.migrateProcessInstance(toInput(processInstanceKey, plan));
      response.status(204).end();
    }),
  );

  router.post(
    '/process-instances/migration',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const { filter, migrationPlan } = parseBody(batchSchema, request.body);
      const input = toInput(0, migrationPlan);
      // Only running instances can move; ended ones the filter finds are not items of the batch.
      const conditions = instanceConditions(filter);
      const where = conditions.where();
      const { rows } = await ctx.db.query<{ process_instance_key: string }>(
        `select q.process_instance_key::text as process_instance_key from (${INSTANCES}) q
          ${where === '' ? 'where' : `${where} and`} q.state = 'ACTIVE'
          order by q.process_instance_key`,
        conditions.values,
      );
      const keys = rows.map((row) => toKeyNumber(row.process_instance_key, 'processInstanceKey'));
      const batch = await ctx.batches.start('MIGRATE_PROCESS_INSTANCE', migrationPlanOf(input), keys);
      sendJson<BatchOperationCreatedResult>(response, 200, { batchOperationKey: apiKey(batch.key), batchOperationType: batch.type });
    }),
  );

  return router;
}
