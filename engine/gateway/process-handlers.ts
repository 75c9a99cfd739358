/**
 * Deployments, process instances, variables, incidents and topology: the
 * unary methods that are not about jobs.
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import type { CreateInstanceInput, DeployResourceInput, EngineApi } from '../api';
import { InvalidArgumentError } from '../errors';
import { unary } from './calls';
import {
  DEFAULT_TENANT,
  int64,
  parseKey,
  parseLong,
  parseNames,
  parseVariables,
  requireDefaultTenant,
  toCreateResponse,
  toProcessMetadata,
  toResultResponse,
} from './convert';
import type {
  CancelProcessInstanceRequest,
  CreateProcessInstanceRequest,
  CreateProcessInstanceResponse,
  CreateProcessInstanceWithResultRequest,
  CreateProcessInstanceWithResultResponse,
  DeployProcessRequest,
  DeployProcessResponse,
  DeployResourceRequest,
  DeployResourceResponse,
  Empty,
  ResolveIncidentRequest,
  SetVariablesRequest,
  SetVariablesResponse,
  TopologyResponse,
} from './messages';
import { toDecisionMetadata, toDecisionRequirementsMetadata } from './convert-decisions';

export interface GatewayAddress {
  readonly host: string;
  readonly port: number;
}

function requireResources(resources: readonly DeployResourceInput[]): readonly DeployResourceInput[] {
  if (resources.length === 0) {
    throw new InvalidArgumentError('Expected to deploy at least one resource, but none given');
  }
  return resources;
}

/** The CreateProcessInstance request as engine input; shared by both create methods. */
function toCreateInput(method: string, request: CreateProcessInstanceRequest): CreateInstanceInput {
  requireDefaultTenant(method, [request.tenantId]);
  const processDefinitionKey = parseKey('processDefinitionKey', request.processDefinitionKey);
  const variables = parseVariables('variables', request.variables);
  const startInstructions = request.startInstructions.map((instruction) => instruction.elementId);
  // proto3 sends 0 for a key the client left out; Zeebe reads a key only when it is set.
  if (processDefinitionKey > 0) {
    return { processDefinitionKey, variables, startInstructions };
  }
  const bpmnProcessId = request.bpmnProcessId.trim();
  if (bpmnProcessId === '') {
    throw new InvalidArgumentError('Expected at least a bpmnProcessId or a key greater than -1, but none given');
  }
  // Version 0 cannot exist; clients that omit the field send it, and mean "latest".
  const version = request.version > 0 ? request.version : -1;
  return { bpmnProcessId, version, variables, startInstructions };
}

export function processHandlers(
  engine: EngineApi,
  logger: Logger,
  address: () => GatewayAddress,
): UntypedServiceImplementation {
  return {
    Topology: unary<Empty, TopologyResponse>('Topology', logger, () => {
      const { brokerVersion } = engine.topology();
      const { host, port } = address();
      return {
        brokers: [
          {
            nodeId: 0,
            host,
            port,
            version: brokerVersion,
            partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }],
          },
        ],
        clusterSize: 1,
        partitionsCount: 1,
        replicationFactor: 1,
        gatewayVersion: brokerVersion,
      };
    }),

    DeployResource: unary<DeployResourceRequest, DeployResourceResponse>('DeployResource', logger, async (request) => {
      requireDefaultTenant('DeployResource', [request.tenantId]);
      const resources = requireResources(request.resources.map(({ name, content }) => ({ name, content })));
      const result = await engine.deployResources(resources);
      return {
        key: int64(result.key),
        deployments: [
          ...result.processes.map((process) => ({ process: toProcessMetadata(process) })),
          ...result.decisions.map((decision) => ({ decision: toDecisionMetadata(decision) })),
          ...result.decisionRequirements.map((requirements) => ({ decisionRequirements: toDecisionRequirementsMetadata(requirements) })),
          ...result.forms.map((form) => ({
            form: { formId: form.formId, version: form.version, formKey: int64(form.formKey), resourceName: form.resourceName, tenantId: DEFAULT_TENANT },
          })),
        ],
        tenantId: DEFAULT_TENANT,
      };
    }),

    DeployProcess: unary<DeployProcessRequest, DeployProcessResponse>('DeployProcess', logger, async (request) => {
      const resources = requireResources(request.processes.map(({ name, definition }) => ({ name, content: definition })));
      const result = await engine.deployResources(resources);
      return { key: int64(result.key), processes: result.processes.map(toProcessMetadata) };
    }),

    CreateProcessInstance: unary<CreateProcessInstanceRequest, CreateProcessInstanceResponse>(
      'CreateProcessInstance',
      logger,
      async (request) => {
        return toCreateResponse(await engine.createProcessInstance(toCreateInput('CreateProcessInstance', request)));
      },
    ),

    CreateProcessInstanceWithResult: unary<CreateProcessInstanceWithResultRequest, CreateProcessInstanceWithResultResponse>(
      'CreateProcessInstanceWithResult',
      logger,
      async ({ request, requestTimeout, fetchVariables }) => {
        if (request === null) {
          throw new InvalidArgumentError("Property 'request' is invalid: expected a CreateProcessInstanceRequest, but none given");
        }
        const input = toCreateInput('CreateProcessInstanceWithResult', request);
        const timeout = parseLong('requestTimeout', requestTimeout);
        if (timeout < 0) {
          throw new InvalidArgumentError(
            `Expected to create a process instance with result with a requestTimeout of zero (the default) or more, but it was '${timeout}'`,
          );
        }
        return toResultResponse(await engine.createProcessInstanceWithResult(input, parseNames(fetchVariables), timeout));
      },
    ),

    CancelProcessInstance: unary<CancelProcessInstanceRequest, Empty>('CancelProcessInstance', logger, async (request) => {
      await engine.cancelProcessInstance(parseKey('processInstanceKey', request.processInstanceKey));
      return {};
    }),

    SetVariables: unary<SetVariablesRequest, SetVariablesResponse>('SetVariables', logger, async (request) => {
      const elementInstanceKey = parseKey('elementInstanceKey', request.elementInstanceKey);
      const variables = parseVariables('variables', request.variables);
      const key = await engine.setVariables(elementInstanceKey, variables, request.local);
      return { key: int64(key) };
    }),

    ResolveIncident: unary<ResolveIncidentRequest, Empty>('ResolveIncident', logger, async (request) => {
      await engine.resolveIncident(parseKey('incidentKey', request.incidentKey));
      return {};
    }),
  };
}
