import type { LicenseResponse, TopologyResponse } from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';

import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { noQueryParameters } from '../validate';

/** GET /topology and GET /license: what Camunda Modeler and the clients ask first. */
export function clusterRoutes(ctx: RestContext): Router {
  const router = Router();

  router.get(
    '/topology',
    handle((request, response) => {
      noQueryParameters(request.query);
      const { brokerVersion } = ctx.engine.topology();
      const { host, port } = ctx.address();
      const body: TopologyResponse = {
        // One embedded broker that leads its one partition.
        brokers: [{ nodeId: 0, host, port, version: brokerVersion, partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }] }],
        clusterSize: 1,
        partitionsCount: 1,
        replicationFactor: 1,
        gatewayVersion: brokerVersion,
        lastCompletedChangeId: '-1',
      };
      sendJson(response, 200, body);
    }),
  );

  router.get(
    '/license',
    handle((request, response) => {
      noQueryParameters(request.query);
      // No Camunda license applies to this engine; answered as a self-managed cluster without one.
      const body: LicenseResponse = { validLicense: false, licenseType: 'unknown', isCommercial: false, expiresAt: null };
      sendJson(response, 200, body);
    }),
  );

  return router;
}
