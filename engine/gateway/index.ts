export { startGateway, type Gateway, type GatewayAuthenticator, type GatewayOptions } from './server';
export { grpcStatusOf } from './status';
