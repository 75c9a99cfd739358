import { BadUserInputError } from '../errors/app-error';
import { checkCompletion, FORM_KEYS, type CompletionInput } from './task-forms';

const field = (formKey: string | null, input: CompletionInput): string => {
  try {
    checkCompletion(formKey, input);
  } catch (error) {
    if (error instanceof BadUserInputError) return error.field;
    throw error;
  }
  throw new Error('expected the completion to be refused');
};

test('handling forms: RESOLVED, or RETURNED with a reason (from the variables or the comment)', () => {
  for (const formKey of [FORM_KEYS.handle, FORM_KEYS.handlePart, FORM_KEYS.conclude]) {
    expect(checkCompletion(formKey, { outcome: 'RESOLVED' })).toEqual({ variables: { outcome: 'RESOLVED' }, outcome: 'RESOLVED', departments: [] });
    expect(checkCompletion(formKey, { outcome: 'RETURNED', comment: ' not ours ' }).variables).toEqual({ outcome: 'RETURNED', returnReason: 'not ours' });
    expect(field(formKey, { outcome: 'resolved' })).toBe('outcome');
    expect(field(formKey, { outcome: 'RETURNED', variables: { returnReason: '' } })).toBe('variables.returnReason');
    expect(field(formKey, { outcome: 'RESOLVED', variables: { returnReason: 'x' } })).toBe('variables.returnReason');
    expect(field(formKey, { outcome: 'RESOLVED', variables: { assignment: {} } })).toBe('variables.assignment');
  }
});

test('verify, arbitrate and review write only their own variables', () => {
  expect(checkCompletion(FORM_KEYS.verify, { variables: { verified: true } })).toEqual({ variables: { verified: true }, outcome: 'VERIFIED', departments: [] });
  expect(field(FORM_KEYS.verify, { outcome: 'RESOLVED', variables: { verified: true } })).toBe('outcome');
  expect(field(FORM_KEYS.verify, { variables: { verified: true, verificationNote: 3 } })).toBe('variables.verificationNote');
  expect(checkCompletion(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'GRID' } } }).variables).toEqual({ assignment: { level: 'GRID', departments: [] } });
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'GRID', departments: ['roads'] } } })).toBe('variables.assignment.departments');
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'JOINT', departments: ['roads', 'roads'] } } })).toBe('variables.assignment.departments');
  expect(checkCompletion(FORM_KEYS.review, { comment: 'called the reporter' }).variables).toEqual({ reviewNote: 'called the reporter' });
  expect(field(FORM_KEYS.review, {})).toBe('variables.reviewNote');
});

test('tasks of other processes complete with their variables as given, and the outcome when there is one', () => {
  expect(checkCompletion(null, { outcome: 'fixed', variables: { cost: 12.5, parts: ['valve'] } })).toEqual({
    variables: { cost: 12.5, parts: ['valve'], outcome: 'fixed' },
    outcome: 'fixed',
    departments: [],
  });
  expect(field('camunda-forms:bpmn:other', { variables: { ratio: Number.NaN } })).toBe('variables.ratio');
});
