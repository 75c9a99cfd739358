/**
 * Checks a task's completion variables against its Camunda Form (the JSON
 * that Camunda Modeler writes and form-js renders), the way the form viewer
 * would have checked them had a person filled it in: every visible field's
 * type, its options, `required` and the form's own validation (min, max,
 * minLength, maxLength, pattern, email, phone). A field hidden by its
 * condition or disabled takes no value (an empty one — null, "", [] — is
 * taken as none, as a script clearing the field would send it); a variable no
 * field asks for is refused. Pure: no database, no engine, so a completion from any path
 * (GraphQL today, a `completing` task listener later) checks the same.
 */
import { evaluate } from 'feelin';

/** What one field is wrong about; `path` is the variable's dotted path (`assignment.level`). */
export interface FormFieldError {
  readonly path: string;
  readonly message: string;
}

export interface FormComponent {
  readonly id?: string;
  readonly type: string;
  readonly key?: string;
  readonly path?: string;
  readonly label?: string;
  readonly disabled?: boolean;
  readonly readonly?: boolean | string;
  readonly values?: readonly { readonly label?: string; readonly value: unknown }[];
  readonly valuesKey?: string;
  readonly valuesExpression?: string;
  readonly decimalDigits?: number;
  readonly conditional?: { readonly hide?: string };
  readonly validate?: Readonly<Record<string, unknown>>;
  readonly components?: readonly FormComponent[];
}

export interface FormSchema {
  readonly id: string;
  readonly components: readonly FormComponent[];
}

export interface ValidateOptions {
  /**
   * Variables the form was opened with (options of `valuesKey` fields come
   * from them). When a field's options are not among them, its values are
   * checked for type only.
   */
  readonly inputs?: Readonly<Record<string, unknown>>;
}

/** Fields whose value the viewer submits (form-js's `keyed` fields), by their value type. */
const VALUE_TYPES: Readonly<Record<string, 'string' | 'number' | 'boolean' | 'option' | 'options'>> = {
  textfield: 'string',
  textarea: 'string',
  datetime: 'string',
  number: 'number',
  checkbox: 'boolean',
  radio: 'option',
  select: 'option',
  checklist: 'options',
  taglist: 'options',
};

/** Layout and display elements: no value. Anything else this module does not know is refused at load (`isFormSchema`). */
const DISPLAY_TYPES = new Set(['text', 'html', 'image', 'spacer', 'separator', 'button', 'iframe', 'table', 'documentPreview', 'expression', 'default']);

const EMAIL = /^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const PHONE = /^\+[1-9]\d{1,14}$/;

/** A form's JSON as this module reads it: an id and components of known kinds (groups nest). */
export function isFormSchema(value: unknown): value is FormSchema {
  if (typeof value !== 'object' || value === null) return false;
  const { id, components } = value as { id?: unknown; components?: unknown };
  return typeof id === 'string' && Array.isArray(components) && components.every(isComponent);
}

function isComponent(value: unknown): value is FormComponent {
  if (typeof value !== 'object' || value === null) return false;
  const { type, components } = value as { type?: unknown; components?: unknown };
  if (typeof type !== 'string') return false;
  if (type === 'group') return components === undefined || (Array.isArray(components) && components.every(isComponent));
  return type in VALUE_TYPES || DISPLAY_TYPES.has(type);
}

/**
 * The errors of a completion, in the form's order (empty: it may complete).
 * `variables` are what the completion writes, nested as the form's keys and
 * group paths nest them.
 */
export function validateAgainstForm(schema: FormSchema, variables: Readonly<Record<string, unknown>>, options: ValidateOptions = {}): FormFieldError[] {
  const errors: FormFieldError[] = [];
  const context = { ...(options.inputs ?? {}), ...variables };
  const asked = new Set<string>();
  walk(schema.components, [], false, (component, path, hidden) => {
    const key = path.join('.');
    asked.add(key);
    const value = valueAt(variables, path);
    if (hidden || component.disabled === true) {
      if (!isEmpty(value)) errors.push({ path: key, message: hidden ? 'this field is not asked for here' : 'this field cannot be changed' });
      return;
    }
    const message = checkField(component, value, context);
    if (message !== undefined) errors.push({ path: key, message });
  }, context);
  for (const path of leafPaths(variables, [], asked)) errors.push({ path, message: `the form ${schema.id} has no field ${path}` });
  return errors;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** The fields a person would see with these values filled in (not hidden, not disabled), with their dotted paths. */
export function visibleFields(schema: FormSchema, variables: Readonly<Record<string, unknown>>, options: ValidateOptions = {}): { component: FormComponent; path: string }[] {
  const fields: { component: FormComponent; path: string }[] = [];
  const context = { ...(options.inputs ?? {}), ...variables };
  walk(schema.components, [], false, (component, path, hidden) => {
    if (!hidden && component.disabled !== true) fields.push({ component, path: path.join('.') });
  }, context);
  return fields;
}

type Visit = (component: FormComponent, path: string[], hidden: boolean) => void;

function walk(components: readonly FormComponent[], prefix: string[], parentHidden: boolean, visit: Visit, context: Record<string, unknown>): void {
  for (const component of components) {
    const hidden = parentHidden || isHidden(component, context);
    if (component.type === 'group') {
      const path = component.path ? [...prefix, ...component.path.split('.')] : prefix;
      walk(component.components ?? [], path, hidden, visit, context);
    } else if (component.type in VALUE_TYPES && component.key) {
      visit(component, [...prefix, ...component.key.split('.')], hidden);
    }
  }
}

function isHidden(component: FormComponent, context: Record<string, unknown>): boolean {
  const hide = component.conditional?.hide;
  if (!hide) return false;
  // As form-js: the condition is a FEEL expression over the form's data; anything but true shows the field.
  return feel(hide, context) === true;
}

function feel(expression: string, context: Record<string, unknown>): unknown {
  const source = expression.startsWith('=') ? expression.slice(1) : expression;
  try {
    return evaluate(source, context).value;
  } catch {
    return null;
  }
}

/** A validation property's value; `=…` is a FEEL expression, as form-js allows. */
function setting(validate: Readonly<Record<string, unknown>>, name: string, context: Record<string, unknown>): unknown {
  const raw = validate[name];
  return typeof raw === 'string' && raw.startsWith('=') ? feel(raw, context) : raw;
}

function checkField(component: FormComponent, value: unknown, context: Record<string, unknown>): string | undefined {
  const kind = VALUE_TYPES[component.type];
  const validate = component.validate ?? {};
  const required = setting(validate, 'required', context) === true;
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    if (required) return 'this field is required';
    // The viewer always submits a checkbox (false when unticked): a completion without one did not come from the form.
    if (kind === 'boolean') return 'say true or false';
    return undefined;
  }
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') return 'this field takes text';
      return checkText(value, validate, context);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'this field takes a number';
      return checkNumber(component, value, validate, context);
    case 'boolean':
      if (typeof value !== 'boolean') return 'say true or false';
      if (required && value !== true) return 'this field is required';
      return undefined;
    case 'option': {
      const allowed = optionsOf(component, context);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return 'this field takes one of its options';
      if (allowed !== undefined && !allowed.some((option) => option === value)) return `not one of the options: ${allowed.map(String).join(', ')}`;
      return undefined;
    }
    case 'options': {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' || typeof item === 'number')) return 'this field takes a list of its options';
      if (new Set(value).size !== value.length) return 'an option is chosen twice';
      const allowed = optionsOf(component, context);
      const unknown = allowed === undefined ? [] : value.filter((item) => !allowed.includes(item));
      if (unknown.length > 0) return `not among the options: ${unknown.join(', ')}`;
      return undefined;
    }
    case undefined:
      return undefined;
    default:
      return kind satisfies never;
  }
}

function checkText(value: string, validate: Readonly<Record<string, unknown>>, context: Record<string, unknown>): string | undefined {
  const pattern = setting(validate, 'pattern', context);
  if (typeof pattern === 'string' && pattern !== '') {
    let matches: boolean;
    try {
      matches = new RegExp(pattern).test(value);
    } catch {
      // A pattern JavaScript cannot compile is the form's fault, not the person's; the viewer would stop on it too.
      matches = false;
    }
    if (!matches) return typeof validate.patternErrorMessage === 'string' ? validate.patternErrorMessage : `must match the pattern ${pattern}`;
  }
  // As form-js: lengths count the trimmed text, so whitespace alone does not fill a field with minLength 1.
  const length = value.trim().length;
  const minLength = setting(validate, 'minLength', context);
  if (typeof minLength === 'number' && length < minLength) return `at least ${minLength} characters`;
  const maxLength = setting(validate, 'maxLength', context);
  if (typeof maxLength === 'number' && length > maxLength) return `at most ${maxLength} characters`;
  const type = validate.validationType;
  if (type === 'email' && !EMAIL.test(value)) return 'not an email address';
  if (type === 'phone' && !PHONE.test(value)) return 'not an international phone number (+4930664040900)';
  return undefined;
}

function checkNumber(component: FormComponent, value: number, validate: Readonly<Record<string, unknown>>, context: Record<string, unknown>): string | undefined {
  const min = Number(setting(validate, 'min', context));
  const max = Number(setting(validate, 'max', context));
  if (validate.min !== undefined && Number.isFinite(min) && value < min) return `at least ${min}`;
  if (validate.max !== undefined && Number.isFinite(max) && value > max) return `at most ${max}`;
  const digits = component.decimalDigits;
  if (typeof digits === 'number' && digits >= 0) {
    const decimals = String(value).split('.')[1]?.length ?? 0;
    if (decimals > digits) return digits === 0 ? 'a whole number' : `at most ${digits} decimal digits`;
  }
  return undefined;
}

/** The values a field offers: static, from an input variable, or from an expression; undefined when unknown here. */
function optionsOf(component: FormComponent, context: Record<string, unknown>): unknown[] | undefined {
  let source: unknown;
  if (component.values !== undefined) source = component.values;
  else if (component.valuesKey !== undefined) source = context[component.valuesKey];
  else if (component.valuesExpression !== undefined) source = feel(component.valuesExpression, context);
  if (!Array.isArray(source)) return undefined;
  // form-js takes {label, value} objects, or plain values as their own labels.
  return source.map((option: unknown) => (typeof option === 'object' && option !== null && 'value' in option ? option.value : option));
}

function valueAt(variables: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let current: unknown = variables;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Dotted paths of the given values that no field covers: a field covers its path and everything under it. */
function leafPaths(value: Readonly<Record<string, unknown>>, prefix: string[], asked: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const [name, item] of Object.entries(value)) {
    const path = [...prefix, name];
    const key = path.join('.');
    if (asked.has(key)) continue;
    const deeper = [...asked].some((field) => field.startsWith(`${key}.`));
    if (deeper && typeof item === 'object' && item !== null && !Array.isArray(item)) found.push(...leafPaths(item as Record<string, unknown>, path, asked));
    else found.push(key);
  }
  return found;
}
