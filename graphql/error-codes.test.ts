import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ApiErrorCode } from './error-codes';

test("every code Apollo Server raises is one of the API's codes, so formatError passes it on as it is", () => {
  const ours = new Set<string>(Object.values(ApiErrorCode));
  expect(Object.values(ApolloServerErrorCode).filter((code) => !ours.has(code))).toEqual([]);
});
