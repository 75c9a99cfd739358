import { Router } from 'express';

import type { RestContext } from '../context';
import { clusterRoutes } from './cluster';
import { deploymentRoutes } from './deployments';
import { elementInstanceRoutes } from './element-instances';
import { processDefinitionRoutes } from './process-definitions';
import { processInstanceRoutes } from './process-instances';
import { variableRoutes } from './variables';

/** Every area's routes under /v2, one line each. */
export function v2Routes(ctx: RestContext): Router {
  const router = Router();
  router.use(clusterRoutes(ctx));
  router.use(deploymentRoutes(ctx));
  router.use(processInstanceRoutes(ctx));
  router.use(processDefinitionRoutes(ctx));
  router.use(elementInstanceRoutes(ctx));
  router.use(variableRoutes(ctx));
  return router;
}
