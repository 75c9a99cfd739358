import { EngineErrorCode, InvalidArgumentError } from '../errors';
import { MAX_DOCUMENT_BYTES, parseKey, parseLong, parseNames, parseVariables, requireDefaultTenant, toActivatedJob } from './convert';

function rejectionOf(action: () => unknown): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe(EngineErrorCode.INVALID_ARGUMENT);
    return error as InvalidArgumentError;
  }
  throw new Error('expected a rejection');
}

describe('parseKey', () => {
  test('reads decimal int64 strings', () => {
    expect(parseKey('jobKey', '2251799813685249')).toBe(2251799813685249);
    expect(parseKey('jobKey', '0')).toBe(0);
  });

  test.each(['-1', '9007199254740992', '9223372036854775807', 'abc', '1.5', ''])('rejects %p naming the field', (value) => {
    expect(rejectionOf(() => parseKey('jobKey', value)).message).toMatch(/^Property 'jobKey' is invalid: expected a key between 0 and 9007199254740991/);
  });
});

describe('parseLong', () => {
  test('keeps the sign: callers decide what a negative duration means', () => {
    expect(parseLong('timeout', '-1')).toBe(-1);
    expect(parseLong('timeout', '300000')).toBe(300_000);
  });

  test('rejects what a number cannot hold exactly', () => {
    expect(rejectionOf(() => parseLong('timeout', '9223372036854775807')).message).toContain("'timeout'");
  });
});

describe('parseVariables', () => {
  test('an empty document or JSON null is no variables', () => {
    expect(parseVariables('variables', '')).toEqual({});
    expect(parseVariables('variables', '  ')).toEqual({});
    expect(parseVariables('variables', 'null')).toEqual({});
  });

  test('an object is taken as it is', () => {
    expect(parseVariables('variables', '{"a":1,"b":{"c":[true]}}')).toEqual({ a: 1, b: { c: [true] } });
  });

  test.each([
    ['[]', 'ARRAY'],
    ['"x"', 'STRING'],
    ['1', 'INTEGER'],
    ['1.5', 'FLOAT'],
    ['false', 'BOOLEAN'],
  ])('%s is rejected as %s, in Zeebe words', (document, type) => {
    expect(rejectionOf(() => parseVariables('variables', document)).message).toBe(
      `Property 'variables' is invalid: Expected document to be a root level object, but was '${type}'`,
    );
  });

  test('text that is not JSON is rejected naming the field', () => {
    expect(rejectionOf(() => parseVariables('variables', '{')).message).toMatch(/^Property 'variables' is invalid: Expected document to be valid JSON/);
  });

  test('a document over 4 MiB is rejected with its size, counted in UTF-8 bytes', () => {
    const text = 'é'.repeat(MAX_DOCUMENT_BYTES / 2);
    const document = JSON.stringify({ text });
    const message = rejectionOf(() => parseVariables('variables', document)).message;
    expect(message).toContain(`${Buffer.byteLength(document)} bytes`);
    expect(message).toContain('4 MiB');
  });
});

test('parseNames drops blank names', () => {
  expect(parseNames(['a', ' ', '', ' b '])).toEqual(['a', 'b']);
});

test('only the default tenant is accepted', () => {
  expect(() => requireDefaultTenant('DeployResource', ['', '<default>'])).not.toThrow();
  expect(rejectionOf(() => requireDefaultTenant('DeployResource', ['other'])).message).toBe(
    "Expected to handle gRPC request DeployResource with tenant identifier 'other', but multi-tenancy is disabled",
  );
});

test('toActivatedJob serialises keys, headers and variables as the protocol wants', () => {
  const message = toActivatedJob({
    key: 2251799813685250,
    type: 'notify',
    processInstanceKey: 2251799813685249,
    bpmnProcessId: 'grid-event',
    processDefinitionVersion: 3,
    processDefinitionKey: 2251799813685248,
    elementId: 'notify-department',
    elementInstanceKey: 2251799813685251,
    customHeaders: { department: 'water' },
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    worker: 'w-1',
    retries: 2,
    deadline: 1_800_000_000_000,
    variables: { eventId: 'e-1' },
  });
  expect(message).toEqual({
    key: '2251799813685250',
    type: 'notify',
    processInstanceKey: '2251799813685249',
    bpmnProcessId: 'grid-event',
    processDefinitionVersion: 3,
    processDefinitionKey: '2251799813685248',
    elementId: 'notify-department',
    elementInstanceKey: '2251799813685251',
    customHeaders: '{"department":"water"}',
    worker: 'w-1',
    retries: 2,
    deadline: '1800000000000',
    variables: '{"eventId":"e-1"}',
    tenantId: '<default>',
  });
});
