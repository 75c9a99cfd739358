import type { Mapping } from '../model/types';
import { applyMappings, invalidMappingTarget } from './index';

const map = (source: string, target: string): Mapping => ({
  source: source.startsWith('=') ? { kind: 'feel', source: source.slice(1) } : { kind: 'static', value: source },
  target,
});

describe('applyMappings', () => {
  it('maps sources to targets', () => {
    expect(applyMappings([map('=order.id', 'orderId'), map('=total * 2', 'double')], { order: { id: 'o-1' }, total: 4 })).toEqual({
      orderId: 'o-1',
      double: 8,
    });
  });

  it('produces nothing for no mappings', () => {
    expect(applyMappings([], { a: 1 })).toEqual({});
  });

  it('takes a static source as a string', () => {
    expect(applyMappings([map('1', 'count')], {})).toEqual({ count: '1' });
  });

  it('maps a missing variable to null', () => {
    expect(applyMappings([map('=missing', 'x')], {})).toEqual({ x: null });
  });

  it('lets a mapping see the targets of the mappings before it', () => {
    expect(applyMappings([map('=x', 'a'), map('=a + 1', 'b')], { x: 1, a: 100 })).toEqual({ a: 1, b: 2 });
  });

  it('builds nested objects from dotted targets', () => {
    expect(applyMappings([map('=x', 'a'), map('=y', 'b.c'), map('=z', 'b.d.e')], { x: 1, y: 2, z: 3 })).toEqual({
      a: 1,
      b: { c: 2, d: { e: 3 } },
    });
  });

  it('for inputs, starts a nested target afresh, but later mappings still see the existing properties', () => {
    const variables = { customer: { name: 'Li', phone: '123' } };
    expect(applyMappings([map('=1', 'customer.level')], variables)).toEqual({ customer: { level: 1 } });
    expect(applyMappings([map('=1', 'customer.level'), map('=customer.name', 'who')], variables)).toEqual({
      customer: { level: 1 },
      who: 'Li',
    });
  });

  it('for inputs, a nested target replaces a whole value mapped earlier', () => {
    expect(applyMappings([map('=p', 'a'), map('=2', 'a.y')], { p: { x: 1 } })).toEqual({ a: { y: 2 } });
  });

  it('for outputs, merges a nested target into the existing variable at every level', () => {
    const variables = { event: { id: 'e-1', route: { level: 'GRID', sla: 4 } } };
    expect(applyMappings([map('="DEPARTMENT"', 'event.route.level')], variables, { direction: 'output' })).toEqual({
      event: { id: 'e-1', route: { level: 'DEPARTMENT', sla: 4 } },
    });
  });

  it('for outputs, merges into the given scope variables when they differ from the evaluation variables', () => {
    const result = applyMappings([map('=status', 'event.status')], { status: 'CLOSED' }, {
      direction: 'output',
      scopeVariables: { event: { id: 'e-1' } },
    });
    expect(result).toEqual({ event: { id: 'e-1', status: 'CLOSED' } });
  });

  it('for outputs, nulls a level whose existing value is not an object', () => {
    expect(applyMappings([map('=1', 'event.id.x')], { event: { id: 'e-1' } }, { direction: 'output' })).toEqual({
      event: { id: null },
    });
    expect(applyMappings([map('=1', 'a.b')], { a: [1] }, { direction: 'output' })).toEqual({ a: null });
  });

  it('does not modify the variables it reads', () => {
    const variables = { event: { id: 'e-1', route: { level: 'GRID' } } };
    const before = JSON.stringify(variables);
    applyMappings([map('="X"', 'event.route.level')], variables, { direction: 'output' });
    expect(JSON.stringify(variables)).toBe(before);
  });
});

describe('invalidMappingTarget', () => {
  it.each(['orderId', 'event.route.level', '_x1', '事件'])('accepts %s', (target) => {
    expect(invalidMappingTarget(target)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['a.', 'not a variable name'],
    ['1st', 'not a variable name'],
    ['order-id', 'not a variable name'],
    ['order id', 'not a variable name'],
    ['a.null', "reserved word 'null'"],
  ])('rejects %j', (target, reason) => {
    expect(invalidMappingTarget(target)).toContain(reason);
  });
});
