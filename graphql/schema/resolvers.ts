import type { IResolvers } from '@graphql-tools/utils';
import type { ApiContext } from '../context';

/** Resolver maps of the schema modules, merged by schema/index.ts. */
export type Resolvers = IResolvers<unknown, ApiContext>;
