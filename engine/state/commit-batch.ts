/**
 * Group commit: everything one batch of commands changed goes to PostgreSQL
 * atomically, before any client of that batch hears "ok".
 */
import type { Pool } from 'pg';
import { transaction, withClient } from '../../db/transaction';
import type { DecisionRequirementsRow, DecisionRow } from './decision-state';
import type { FormRow } from './form-state';
import type { DeployedResource, ProcessDefinitionRow } from './types';
import { deleteResources, type ResourceDeletion } from './sql/delete-resources';
import { insertDecisions } from './sql/insert-decisions';
import { insertForms } from './sql/insert-forms';
import { insertDeployment } from './sql/insert-deployment';
import { writeBatch, type BatchStatement } from './sql/write-batch';

export interface PreparedBatch {
  readonly statement: BatchStatement;
  readonly resources: readonly DeployedResource[];
  readonly definitions: readonly ProcessDefinitionRow[];
  /** DMN deployments; each comes with its resource row, so `resources` is never empty then. */
  readonly decisionRequirements?: readonly DecisionRequirementsRow[];
  readonly decisions?: readonly DecisionRow[];
  /** Form deployments; each comes with its resource row too. */
  readonly forms?: readonly FormRow[];
  /** DeleteResource: as rare as deployments, and in the same kind of transaction. */
  readonly deletions?: readonly ResourceDeletion[];
}

export async function commitBatch(pool: Pool, batch: PreparedBatch): Promise<void> {
  if (batch.resources.length === 0 && batch.definitions.length === 0 && (batch.deletions ?? []).length === 0) {
    await withClient(pool, (client) => writeBatch(client, batch.statement));
    return;
  }
  // Deployments are rare and carry whole resources: their own statements, one transaction.
  await transaction(pool, async (client) => {
    await insertDeployment(client, batch.resources, batch.definitions);
    await insertDecisions(client, batch.decisionRequirements ?? [], batch.decisions ?? []);
    await insertForms(client, batch.forms ?? []);
    await deleteResources(client, batch.deletions ?? []);
    await writeBatch(client, batch.statement);
  });
}
