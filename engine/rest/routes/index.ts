import { Router } from 'express';

import type { RestContext } from '../context';
import { clusterRoutes } from './cluster';
import { decisionRoutes } from './decisions';
import { incidentRoutes } from './incidents';
import { jobRoutes } from './jobs';
import { messageRoutes } from './messages';
import { signalRoutes } from './signals';

/** Every area's routes under /v2, one line each. */
export function v2Routes(ctx: RestContext): Router {
  const router = Router();
  router.use(clusterRoutes(ctx));
  router.use(jobRoutes(ctx));
  router.use(incidentRoutes(ctx));
  router.use(messageRoutes(ctx));
  router.use(signalRoutes(ctx));
  router.use(decisionRoutes(ctx));
  return router;
}
