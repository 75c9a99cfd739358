import type { DeleteResourceRequest, DeploymentMetadataResult, DeploymentResult } from '@camunda8/orchestration-cluster-api';
import express, { Router, type Request } from 'express';
import { z } from 'zod';

import type { DeployResourceInput, DeployResult } from '../../api';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey, DEFAULT_TENANT } from '../keys';
import { badRequest, RestProblem } from '../problem';
import { noQueryParameters, notOffered, parseBody, parseKeyParam, requestSchema } from '../validate';

/** As the JSON body limit: models are text, and a deployment holds a few of them. */
const MULTIPART_LIMIT = '8mb';

/** The resource types this engine deploys, by the suffix of the part's file name (as Zeebe decides). */
const MODEL_SUFFIXES = ['.bpmn', '.xml', '.dmn', '.form'] as const;

const deleteResourceSchema = requestSchema<NonNullable<DeleteResourceRequest>>()(
  z.strictObject({
    operationReference: notOffered(),
  }),
);

/** POST /deployments (multipart) and POST /resources/{resourceKey}/deletion. */
export function deploymentRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/deployments',
    express.raw({ type: () => true, limit: MULTIPART_LIMIT }),
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const resources = await readResources(request);
      const result = await ctx.engine.deployResources(resources);
      sendJson<DeploymentResult>(response, 200, toDeploymentResult(result));
    }),
  );

  router.post(
    '/resources/:resourceKey/deletion',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const resourceKey = parseKeyParam('resourceKey', request.params.resourceKey);
      parseBody(deleteResourceSchema, request.body);
      await ctx.engine.deleteResource(resourceKey);
      response.status(200).end();
    }),
  );

  return router;
}

async function readResources(request: Request): Promise<DeployResourceInput[]> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new RestProblem(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type: expected multipart/form-data, got ${JSON.stringify(contentType)}`);
  }
  const body: unknown = request.body;
  if (!Buffer.isBuffer(body)) throw badRequest('request body: expected multipart/form-data with resources');
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw badRequest('request body: malformed multipart/form-data');
  }
  const resources: DeployResourceInput[] = [];
  for (const [field, value] of form.entries()) {
    if (field === 'tenantId') {
      if (value !== DEFAULT_TENANT) throw badRequest(`tenantId: this engine has only the tenant '${DEFAULT_TENANT}', got ${JSON.stringify(value)}`);
      continue;
    }
    if (field !== 'resources') throw badRequest(`${field}: unknown part (expected 'resources' and optionally 'tenantId')`);
    if (typeof value === 'string') throw badRequest(`resources: expected a file part with a file name, got a plain field`);
    resources.push({ name: checkedName(value.name), content: Buffer.from(await value.arrayBuffer()) });
  }
  if (resources.length === 0) throw badRequest('resources: expected at least one resource to deploy, got none');
  return resources;
}

function checkedName(name: string): string {
  const lower = name.toLowerCase();
  if (!MODEL_SUFFIXES.some((suffix) => lower.endsWith(suffix))) {
    throw badRequest(`resources '${name}': not a BPMN (.bpmn, .xml), DMN (.dmn) or form (.form) resource`);
  }
  return name;
}

function toDeploymentResult(result: DeployResult): DeploymentResult {
  const deployments: DeploymentMetadataResult[] = [
    ...result.processes.map((process): DeploymentMetadataResult => ({
      processDefinition: {
        processDefinitionId: apiKey(process.bpmnProcessId),
        processDefinitionVersion: process.version,
        resourceName: process.resourceName,
        tenantId: apiKey(DEFAULT_TENANT),
        processDefinitionKey: apiKey(process.processDefinitionKey),
      },
    })),
    ...result.decisionRequirements.map((requirements): DeploymentMetadataResult => ({
      decisionRequirements: {
        decisionRequirementsId: requirements.decisionRequirementsId,
        version: requirements.version,
        decisionRequirementsName: requirements.name,
        tenantId: apiKey(DEFAULT_TENANT),
        resourceName: requirements.resourceName,
        decisionRequirementsKey: apiKey(requirements.decisionRequirementsKey),
      },
    })),
    ...result.decisions.map((decision): DeploymentMetadataResult => ({
      decisionDefinition: {
        decisionDefinitionId: apiKey(decision.decisionId),
        version: decision.version,
        name: decision.name,
        tenantId: apiKey(DEFAULT_TENANT),
        decisionRequirementsId: decision.decisionRequirementsId,
        decisionDefinitionKey: apiKey(decision.decisionKey),
        decisionRequirementsKey: apiKey(decision.decisionRequirementsKey),
      },
    })),
    ...result.forms.map((form): DeploymentMetadataResult => ({
      form: {
        formId: apiKey(form.formId),
        version: form.version,
        resourceName: form.resourceName,
        tenantId: apiKey(DEFAULT_TENANT),
        formKey: apiKey(form.formKey),
      },
    })),
  ];
  return { tenantId: apiKey(DEFAULT_TENANT), deploymentKey: apiKey(result.key), deployments };
}
