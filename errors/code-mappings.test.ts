import { status } from '@grpc/grpc-js';
import pino from 'pino';
import { EngineError, EngineErrorCode } from '../engine/errors';
import { grpcStatusOf, toStatus } from '../engine/gateway/status';
import { AuthErrorCode, AuthFailure, PersonNotFoundError, UnauthenticatedError } from '../graphql/auth/auth-errors';
import { ApiErrorCode } from '../graphql/error-codes';
import { apiCodeOfApp, apiCodeOfAuth, apiCodeOfIntake, publicExtensions } from '../graphql/errors';
import { IntakeError, IntakeErrorCode } from '../intake/errors';
import { errorReply, httpStatusOf } from '../intake/open311/error-reply';
import { DepartmentBusyError, DepartmentErrorCode, jobOutcomeOf, NotOursError, PermanentDepartmentError, TransientDepartmentError, type DepartmentError, type JobOutcome } from '../workers/departments/errors';
import { AppError, AppErrorCode, BadUserInputError, ConflictError, EntityNotFoundError, ForbiddenError, NotOfferedError } from './app-error';

/*
 * Every code of every family has its transport code in each mapping. The
 * tables are typed as records over the family, so a code added without an
 * expectation here fails to compile, as does one the mapping forgets. Each
 * error is built with a message naming another code: the mapping must follow
 * the code, never the text.
 */

const MISLEADING = 'NOT_FOUND INVALID_ARGUMENT UNAUTHENTICATED FORBIDDEN 404 INTERNAL';
const logger = pino({ level: 'silent' });

const GRPC: Record<EngineErrorCode, status> = {
  NOT_FOUND: status.NOT_FOUND,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  UNAVAILABLE: status.UNAVAILABLE,
  UNIMPLEMENTED: status.UNIMPLEMENTED,
  INTERNAL: status.INTERNAL,
};

describe.each(Object.values(EngineErrorCode))('engine code %s', (code) => {
  test('maps to its gRPC status', () => {
    expect(grpcStatusOf(code)).toBe(GRPC[code]);
    expect(toStatus(new EngineError(code, MISLEADING), 'AnyMethod', logger)).toEqual({ code: GRPC[code], details: MISLEADING });
  });
});

const APP_ERRORS: Record<AppErrorCode, [AppError, ApiErrorCode]> = {
  BAD_USER_INPUT: [new BadUserInputError('priority', MISLEADING), ApiErrorCode.BAD_USER_INPUT],
  FORBIDDEN: [new ForbiddenError(MISLEADING), ApiErrorCode.FORBIDDEN],
  NOT_FOUND: [new EntityNotFoundError('task', 'FORBIDDEN'), ApiErrorCode.NOT_FOUND],
  CONFLICT: [new ConflictError(MISLEADING), ApiErrorCode.CONFLICT],
  UNAVAILABLE: [new NotOfferedError(MISLEADING), ApiErrorCode.UNAVAILABLE],
};

describe.each(Object.values(AppErrorCode))('domain code %s', (code) => {
  test('maps to its GraphQL code', () => {
    const [error, expected] = APP_ERRORS[code];
    expect(error.code).toBe(code);
    expect(apiCodeOfApp(code)).toBe(expected);
    expect(publicExtensions(error)).toMatchObject({ code: expected });
  });
});

const AUTH_ERRORS: Record<AuthErrorCode, [Error, ApiErrorCode]> = {
  UNAUTHENTICATED: [new UnauthenticatedError(AuthFailure.TOKEN_EXPIRED, MISLEADING), ApiErrorCode.UNAUTHENTICATED],
  UNKNOWN_PERSON: [new PersonNotFoundError('NOT_FOUND', MISLEADING), ApiErrorCode.UNAUTHENTICATED],
};

describe.each(Object.values(AuthErrorCode))('auth code %s', (code) => {
  test('maps to its GraphQL code', () => {
    const [error, expected] = AUTH_ERRORS[code];
    expect(apiCodeOfAuth(code)).toBe(expected);
    expect(publicExtensions(error)).toMatchObject({ code: expected });
  });
});

const INTAKE: Record<IntakeErrorCode, { http: number; api: ApiErrorCode }> = {
  MISSING_FIELD: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  INVALID_FIELD: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  UNKNOWN_CATEGORY: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  INVALID_LOCATION: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  OUTSIDE_CITY: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  INVALID_DESCRIPTION: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  INVALID_SEVERITY: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  INVALID_SOURCE: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  UNKNOWN_REPORTER: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  TOO_MANY_ATTACHMENTS: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  ATTACHMENT_TOO_LARGE: { http: 413, api: ApiErrorCode.BAD_USER_INPUT },
  ATTACHMENT_TYPE_NOT_ALLOWED: { http: 415, api: ApiErrorCode.BAD_USER_INPUT },
  MALFORMED_REQUEST: { http: 400, api: ApiErrorCode.BAD_USER_INPUT },
  PAYLOAD_TOO_LARGE: { http: 413, api: ApiErrorCode.BAD_USER_INPUT },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, api: ApiErrorCode.BAD_USER_INPUT },
  API_KEY_REQUIRED: { http: 403, api: ApiErrorCode.UNAUTHENTICATED },
  INVALID_API_KEY: { http: 403, api: ApiErrorCode.UNAUTHENTICATED },
  NOT_FOUND: { http: 404, api: ApiErrorCode.NOT_FOUND },
  METHOD_NOT_ALLOWED: { http: 405, api: ApiErrorCode.BAD_USER_INPUT },
};

describe.each(Object.values(IntakeErrorCode))('intake code %s', (code) => {
  const error = new IntakeError(code, MISLEADING, 'lat');

  test('maps to its HTTP status and Open311 error', () => {
    expect(httpStatusOf(code)).toBe(INTAKE[code].http);
    expect(errorReply(error)).toEqual({
      status: INTAKE[code].http,
      body: [{ code: INTAKE[code].http, description: MISLEADING, error: code, field: 'lat' }],
    });
  });

  test('maps to its GraphQL code, keeping its own as the reason', () => {
    expect(apiCodeOfIntake(code)).toBe(INTAKE[code].api);
    expect(publicExtensions(error)).toEqual({ code: INTAKE[code].api, reason: code, field: 'lat' });
  });
});

const DEPARTMENT: Record<DepartmentErrorCode, [DepartmentError, JobOutcome['kind']]> = {
  DEPARTMENT_NOT_OURS: [new NotOursError('roads', 422, MISLEADING), 'throw-bpmn-error'],
  DEPARTMENT_REJECTED: [new PermanentDepartmentError('roads', MISLEADING, 401), 'fail-without-retry'],
  DEPARTMENT_UNAVAILABLE: [new TransientDepartmentError('roads', MISLEADING, 503, 4), 'fail-and-retry'],
  DEPARTMENT_BUSY: [new DepartmentBusyError('roads', 8), 'retry-later'],
};

describe.each(Object.values(DepartmentErrorCode))('department code %s', (code) => {
  test("maps to its job's outcome", () => {
    const [error, kind] = DEPARTMENT[code];
    expect(error.code).toBe(code);
    expect(jobOutcomeOf(error).kind).toBe(kind);
  });
});

test('errors nobody raised on purpose stay internal everywhere, whatever their message says', () => {
  const stray = new Error(MISLEADING);
  expect(toStatus(stray, 'AnyMethod', logger).code).toBe(status.INTERNAL);
  expect(publicExtensions(stray)).toBeUndefined();
  expect(errorReply(stray).status).toBe(500);
});
