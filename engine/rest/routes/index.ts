import { Router } from 'express';

import type { RestContext } from '../context';
import { clusterRoutes } from './cluster';

/** Every area's routes under /v2, one line each. */
export function v2Routes(ctx: RestContext): Router {
  const router = Router();
  router.use(clusterRoutes(ctx));
  return router;
}
