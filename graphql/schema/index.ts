import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { cityMapResolvers, cityMapTypeDefs } from './city-map';
import { commonResolvers, commonTypeDefs } from './common';
import { eventResolvers, eventTypeDefs } from './events';
import { monitorResolvers, monitorTypeDefs } from './monitor';
import { privacyResolvers, privacyTypeDefs } from './privacy';
import { notificationResolvers, notificationTypeDefs } from './notifications';
import { statsResolvers, statsTypeDefs } from './stats';
import { taskResolvers, taskTypeDefs } from './tasks';

/** The whole API: one module per domain, each its SDL and its resolvers. */
export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: [commonTypeDefs, eventTypeDefs, taskTypeDefs, monitorTypeDefs, statsTypeDefs, cityMapTypeDefs, notificationTypeDefs, privacyTypeDefs],
    resolvers: [commonResolvers, eventResolvers, taskResolvers, monitorResolvers, statsResolvers, cityMapResolvers, notificationResolvers, privacyResolvers],
  });
}
