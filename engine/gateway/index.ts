export { startGateway, type Gateway, type GatewayOptions } from './server';
export { grpcStatusOf } from './status';
