import { validateAgainstForm, visibleFields, type FormSchema } from './form-validation';

/** A form as Camunda Modeler writes one, with every kind of field the validator reads. */
const FORM: FormSchema = {
  id: 'inspection',
  components: [
    { type: 'text', id: 'Text_1' },
    { type: 'textfield', key: 'plate', id: 'F1', validate: { pattern: '^[A-Z]{2}-\\d{4}$', patternErrorMessage: 'like AB-1234' } },
    { type: 'number', key: 'cost', id: 'F2', decimalDigits: 2, validate: { required: true, min: 0, max: 1000 } },
    { type: 'select', key: 'kind', id: 'F3', values: [{ label: 'Pothole', value: 'pothole' }, { label: 'Crack', value: 'crack' }], validate: { required: true } },
    { type: 'checklist', key: 'tools', id: 'F4', values: [{ label: 'Shovel', value: 'shovel' }, { label: 'Cone', value: 'cone' }] },
    { type: 'taglist', key: 'crew', id: 'F5', valuesKey: 'crewOptions' },
    { type: 'checkbox', key: 'urgent', id: 'F6', validate: { required: '=cost > 500' } },
    { type: 'textfield', key: 'contact', id: 'F7', validate: { validationType: 'email' } },
    {
      type: 'group',
      id: 'G1',
      path: 'site',
      components: [
        { type: 'textarea', key: 'note', id: 'F8', validate: { minLength: 3, maxLength: 10 } },
        { type: 'textfield', key: 'reason', id: 'F9', conditional: { hide: '=kind != "crack"' }, validate: { required: true } },
      ],
    },
    { type: 'textfield', key: 'stamp', id: 'F10', disabled: true },
  ],
};

const valid = { cost: 12.5, kind: 'pothole', urgent: false };
const paths = (variables: Record<string, unknown>, inputs?: Record<string, unknown>) => validateAgainstForm(FORM, variables, { inputs }).map((error) => error.path);

test('a completion the form would have submitted passes', () => {
  expect(paths(valid)).toEqual([]);
  expect(paths({ ...valid, plate: 'AB-1234', tools: ['cone', 'shovel'], contact: 'li@example.org', site: { note: 'deep' } })).toEqual([]);
  expect(paths({ ...valid, kind: 'crack', site: { reason: 'frost' } })).toEqual([]);
});

test('required fields, types and options are checked, errors naming the field by its path', () => {
  expect(paths({ kind: 'pothole', urgent: false })).toEqual(['cost']);
  expect(paths({ ...valid, cost: '12' })).toEqual(['cost']);
  expect(paths({ ...valid, kind: 'hole' })).toEqual(['kind']);
  expect(paths({ ...valid, tools: ['hammer'] })).toEqual(['tools']);
  expect(paths({ ...valid, tools: ['cone', 'cone'] })).toEqual(['tools']);
  expect(paths({ ...valid, urgent: undefined })).toEqual(['urgent']);
  expect(paths({ ...valid, urgent: 'no' })).toEqual(['urgent']);
});

test("the form's own validation: min, max, decimals, lengths (trimmed), pattern, email, FEEL settings", () => {
  expect(paths({ ...valid, cost: -1 })).toEqual(['cost']);
  expect(paths({ ...valid, cost: 1000.5, urgent: true })).toEqual(['cost']);
  expect(paths({ ...valid, cost: 1.005 })).toEqual(['cost']);
  expect(paths({ ...valid, plate: 'ab-12' })).toEqual(['plate']);
  expect(validateAgainstForm(FORM, { ...valid, plate: 'x' })[0].message).toBe('like AB-1234');
  expect(paths({ ...valid, site: { note: ' a  ' } })).toEqual(['site.note']);
  expect(paths({ ...valid, site: { note: 'a'.repeat(11) } })).toEqual(['site.note']);
  expect(paths({ ...valid, contact: 'not-an-address' })).toEqual(['contact']);
  // required: "=cost > 500": a costly repair must be flagged urgent.
  expect(paths({ ...valid, cost: 600, urgent: false })).toEqual(['urgent']);
  expect(paths({ ...valid, cost: 600, urgent: true })).toEqual([]);
});

test('hidden and disabled fields take no value (an empty one counts as none); values no field asks for are refused', () => {
  expect(paths({ ...valid, site: { reason: 'frost' } })).toEqual(['site.reason']);
  expect(paths({ ...valid, kind: 'crack' })).toEqual(['site.reason']);
  expect(paths({ ...valid, stamp: 'x' })).toEqual(['stamp']);
  // An empty value of a hidden or disabled field is no value: what a script clearing it sends.
  expect(paths({ ...valid, site: { reason: '' }, stamp: null })).toEqual([]);
  expect(paths({ ...valid, extra: 1, site: { note: 'deep', other: true } })).toEqual(['extra', 'site.other']);
  expect(visibleFields(FORM, valid).map((f) => f.path)).toEqual(['plate', 'cost', 'kind', 'tools', 'crew', 'urgent', 'contact', 'site.note']);
});

test('options from an input variable are checked when the form was given them', () => {
  expect(paths({ ...valid, crew: ['li', 'zhang'] })).toEqual([]);
  const crewOptions = [{ label: 'Li', value: 'li' }, { label: 'Zhang', value: 'zhang' }];
  expect(paths({ ...valid, crew: ['li', 'wang'] }, { crewOptions })).toEqual(['crew']);
  expect(paths({ ...valid, crew: ['zhang'] }, { crewOptions })).toEqual([]);
});
