import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadUserInputError } from '../errors/app-error';
import { isFormSchema, type FormSchema } from './form-validation';
import { checkCompletion, FORM_IDS, FORM_KEYS, type CompletionInput } from './task-forms';

/** The forms as processes/forms has them, by form key (the table the task list links them by). */
const forms = new Map<string, FormSchema>(
  Object.entries(FORM_IDS).map(([formKey, formId]) => {
    const file = `${formId.replace('grid-dispatch-', '')}.form`;
    const schema: unknown = JSON.parse(readFileSync(path.join(__dirname, '..', 'processes', 'forms', file), 'utf8'));
    if (!isFormSchema(schema) || schema.id !== formId) throw new Error(`processes/forms/${file} is not the form ${formId}`);
    return [formKey, schema];
  }),
);
const check = (formKey: string, input: CompletionInput) => checkCompletion(formKey, forms.get(formKey) ?? null, input);

const field = (formKey: string | null, input: CompletionInput): string => {
  try {
    checkCompletion(formKey, formKey === null ? null : (forms.get(formKey) ?? null), input);
  } catch (error) {
    if (error instanceof BadUserInputError) return error.field;
    throw error;
  }
  throw new Error('expected the completion to be refused');
};

test('every form key of the model links to a form of processes/forms', () => {
  expect([...forms.keys()].sort()).toEqual(Object.values(FORM_KEYS).sort());
});

test('handling forms: RESOLVED, or RETURNED with a reason (from the variables or the comment)', () => {
  for (const formKey of [FORM_KEYS.handle, FORM_KEYS.handlePart, FORM_KEYS.conclude]) {
    expect(check(formKey, { outcome: 'RESOLVED' })).toEqual({ variables: { outcome: 'RESOLVED' }, outcome: 'RESOLVED', departments: [] });
    expect(check(formKey, { outcome: 'RESOLVED', comment: 'filled the pothole' }).variables).toEqual({ outcome: 'RESOLVED' });
    expect(check(formKey, { outcome: 'RETURNED', comment: ' not ours ' }).variables).toEqual({ outcome: 'RETURNED', returnReason: 'not ours' });
    expect(check(formKey, { variables: { outcome: 'RETURNED', returnReason: 'water pipe' } }).outcome).toBe('RETURNED');
    expect(field(formKey, { outcome: 'resolved' })).toBe('outcome');
    expect(field(formKey, {})).toBe('outcome');
    expect(field(formKey, { variables: { outcome: 'DONE' } })).toBe('variables.outcome');
    expect(field(formKey, { outcome: 'RETURNED', variables: { returnReason: '' } })).toBe('variables.returnReason');
    expect(field(formKey, { outcome: 'RETURNED', variables: { returnReason: '   ' } })).toBe('variables.returnReason');
    expect(field(formKey, { outcome: 'RETURNED', variables: { returnReason: 'x'.repeat(2001) } })).toBe('variables.returnReason');
    expect(field(formKey, { outcome: 'RESOLVED', variables: { returnReason: 'x' } })).toBe('variables.returnReason');
    expect(field(formKey, { outcome: 'RESOLVED', variables: { assignment: {} } })).toBe('variables.assignment');
  }
});

test('verify, arbitrate and review write only their own variables', () => {
  expect(check(FORM_KEYS.verify, { variables: { verified: true } })).toEqual({ variables: { verified: true }, outcome: 'VERIFIED', departments: [] });
  expect(check(FORM_KEYS.verify, { variables: { verified: false }, comment: 'still leaking' })).toEqual({
    variables: { verified: false, verificationNote: 'still leaking' },
    outcome: 'NOT_VERIFIED',
    departments: [],
  });
  expect(field(FORM_KEYS.verify, { outcome: 'RESOLVED', variables: { verified: true } })).toBe('outcome');
  expect(field(FORM_KEYS.verify, { variables: {} })).toBe('variables.verified');
  expect(field(FORM_KEYS.verify, { variables: { verified: 'yes' } })).toBe('variables.verified');
  expect(field(FORM_KEYS.verify, { variables: { verified: true, verificationNote: 3 } })).toBe('variables.verificationNote');
  expect(check(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'GRID' } } }).variables).toEqual({ assignment: { level: 'GRID', departments: [] } });
  expect(check(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'JOINT', departments: ['water', 'roads'] } } })).toEqual({
    variables: { assignment: { level: 'JOINT', departments: ['water', 'roads'] } },
    outcome: 'JOINT',
    departments: ['water', 'roads'],
  });
  expect(field(FORM_KEYS.arbitrate, { variables: {} })).toBe('variables.assignment.level');
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'CITY' } } })).toBe('variables.assignment.level');
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'GRID', departments: ['roads'] } } })).toBe('variables.assignment.departments');
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'JOINT', departments: ['roads', 'roads'] } } })).toBe('variables.assignment.departments');
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'DEPARTMENT', departments: ['roads', 'water'] } } })).toBe('variables.assignment.departments');
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'JOINT', departments: ['roads'] } } })).toBe('variables.assignment.departments');
  expect(field(FORM_KEYS.arbitrate, { variables: { assignment: { level: 'GRID', lead: 'roads' } } })).toBe('variables.assignment.lead');
  expect(check(FORM_KEYS.review, { comment: 'called the reporter' }).variables).toEqual({ reviewNote: 'called the reporter' });
  expect(field(FORM_KEYS.review, {})).toBe('variables.reviewNote');
});

test('tasks without a form complete with their variables as given, and the outcome when there is one', () => {
  expect(checkCompletion(null, null, { outcome: 'fixed', variables: { cost: 12.5, parts: ['valve'] } })).toEqual({
    variables: { cost: 12.5, parts: ['valve'], outcome: 'fixed' },
    outcome: 'fixed',
    departments: [],
  });
  expect(field(null, { variables: { ratio: Number.NaN } })).toBe('variables.ratio');
});
