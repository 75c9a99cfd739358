import { status } from '@grpc/grpc-js';
import pino from 'pino';

import { EngineError, EngineErrorCode, NotFoundError, UnsupportedError } from '../errors';
import { grpcStatusOf, toStatus } from './status';

test.each([
  [EngineErrorCode.NOT_FOUND, status.NOT_FOUND],
  [EngineErrorCode.INVALID_ARGUMENT, status.INVALID_ARGUMENT],
  [EngineErrorCode.FAILED_PRECONDITION, status.FAILED_PRECONDITION],
  [EngineErrorCode.ALREADY_EXISTS, status.ALREADY_EXISTS],
  [EngineErrorCode.RESOURCE_EXHAUSTED, status.RESOURCE_EXHAUSTED],
  [EngineErrorCode.DEADLINE_EXCEEDED, status.DEADLINE_EXCEEDED],
  [EngineErrorCode.UNAVAILABLE, status.UNAVAILABLE],
  [EngineErrorCode.INTERNAL, status.INTERNAL],
])('%s → gRPC %s', (code, expected) => {
  expect(grpcStatusOf(code)).toBe(expected);
});

test('only INTERNAL maps to INTERNAL; a code forged at run time does too', () => {
  for (const code of Object.values(EngineErrorCode)) {
    if (code !== EngineErrorCode.INTERNAL) expect(grpcStatusOf(code)).not.toBe(status.INTERNAL);
  }
  expect(grpcStatusOf('BOGUS' as EngineErrorCode)).toBe(status.INTERNAL);
});

describe('toStatus', () => {
  const logger = pino({ level: 'silent' });

  test('engine errors keep their message', () => {
    expect(toStatus(new NotFoundError('no such job'), 'CompleteJob', logger)).toEqual({ code: status.NOT_FOUND, details: 'no such job' });
  });

  test('the code decides, never the message', () => {
    const error = new EngineError(EngineErrorCode.RESOURCE_EXHAUSTED, 'not found anywhere');
    expect(toStatus(error, 'CreateProcessInstance', logger).code).toBe(status.RESOURCE_EXHAUSTED);
  });

  test('unsupported parts of the protocol are UNIMPLEMENTED', () => {
    expect(toStatus(new UnsupportedError('no start instructions'), 'CreateProcessInstance', logger)).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'no start instructions',
    });
  });

  test('anything else is INTERNAL, logged, and its message kept from the client', () => {
    const error = jest.fn();
    const spy = { ...logger, error } as unknown as typeof logger;
    const result = toStatus(new TypeError('secret detail'), 'SetVariables', spy);
    expect(result.code).toBe(status.INTERNAL);
    expect(result.details).not.toContain('secret detail');
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ method: 'SetVariables' }), expect.any(String));
  });
});
