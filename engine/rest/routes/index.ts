import { Router } from 'express';

import type { RestContext } from '../context';
import { clusterRoutes } from './cluster';
import { decisionRoutes } from './decisions';
import { deploymentRoutes } from './deployments';
import { elementInstanceRoutes } from './element-instances';
import { incidentRoutes } from './incidents';
import { jobRoutes } from './jobs';
import { messageRoutes } from './messages';
import { processDefinitionRoutes } from './process-definitions';
import { processInstanceRoutes } from './process-instances';
import { signalRoutes } from './signals';
import { userTaskRoutes } from './user-tasks';
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
  router.use(jobRoutes(ctx));
  router.use(incidentRoutes(ctx));
  router.use(messageRoutes(ctx));
  router.use(signalRoutes(ctx));
  router.use(decisionRoutes(ctx));
  router.use(userTaskRoutes(ctx));
  return router;
}
