/** ModifyProcessInstance, MigrateProcessInstance and DeleteResource: repairing and moving instances, retiring deployed resources. */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import type { EngineApi } from '../api';
import { InvalidArgumentError } from '../errors';
import { unary } from './calls';
import { parseKey, parseLong, parseVariables } from './convert';
import type { Empty, Int64 } from './messages';

interface ModifyProcessInstanceRequest {
  readonly processInstanceKey: Int64;
  readonly activateInstructions: readonly {
    readonly elementId: string;
    readonly ancestorElementInstanceKey: Int64;
    readonly variableInstructions: readonly { readonly variables: string; readonly scopeId: string }[];
  }[];
  readonly terminateInstructions: readonly { readonly elementInstanceKey: Int64 }[];
}

interface MigrateProcessInstanceRequest {
  readonly processInstanceKey: Int64;
  /** proto3: absent when the client sent none. */
  readonly migrationPlan: {
    readonly targetProcessDefinitionKey: Int64;
    readonly mappingInstructions: readonly { readonly sourceElementId: string; readonly targetElementId: string }[];
  } | null;
}

interface DeleteResourceRequest {
  readonly resourceKey: Int64;
}

export function repairHandlers(engine: EngineApi, logger: Logger): UntypedServiceImplementation {
  return {
    ModifyProcessInstance: unary<ModifyProcessInstanceRequest, Empty>('ModifyProcessInstance', logger, async (request) => {
      await engine.modifyProcessInstance({
        processInstanceKey: parseKey('processInstanceKey', request.processInstanceKey),
        activateInstructions: request.activateInstructions.map((instruction) => ({
          elementId: instruction.elementId,
          // -1 (and proto3's 0 for "not given") leave the choice to the engine
          ancestorElementInstanceKey: parseLong('ancestorElementInstanceKey', instruction.ancestorElementInstanceKey),
          variableInstructions: instruction.variableInstructions.map(({ variables, scopeId }) => ({
            scopeId,
            variables: parseVariables('variables', variables),
          })),
        })),
        terminateInstructions: request.terminateInstructions.map(({ elementInstanceKey }) => parseKey('elementInstanceKey', elementInstanceKey)),
      });
      return {};
    }),

    MigrateProcessInstance: unary<MigrateProcessInstanceRequest, Empty>('MigrateProcessInstance', logger, async (request) => {
      const plan = request.migrationPlan;
      if (!plan) throw new InvalidArgumentError("Expected argument 'migrationPlan' to be provided, but it was missing");
      await engine.migrateProcessInstance({
        processInstanceKey: parseKey('processInstanceKey', request.processInstanceKey),
        targetProcessDefinitionKey: parseKey('targetProcessDefinitionKey', plan.targetProcessDefinitionKey),
        mappingInstructions: plan.mappingInstructions.map(({ sourceElementId, targetElementId }) => ({ sourceElementId, targetElementId })),
      });
      return {};
    }),

    DeleteResource: unary<DeleteResourceRequest, Empty>('DeleteResource', logger, async (request) => {
      await engine.deleteResource(parseKey('resourceKey', request.resourceKey));
      return {};
    }),
  };
}
