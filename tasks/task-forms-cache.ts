import { isFormSchema, type FormSchema } from './form-validation';
import { NO_WAIT, type EngineRest } from './engine-rest';

/** A user task's deployed form: the id it is linked by, and its JSON. */
export interface LinkedForm {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly schema: FormSchema;
}

/**
 * The forms of user tasks, asked of the engine (`GET /v2/user-tasks/{key}/form`)
 * once per deployed form: a form key names one version of one form for good.
 */
export class LinkedForms {
  private readonly byKey = new Map<string, Promise<LinkedForm | null>>();

  constructor(private readonly rest: Pick<EngineRest, 'getUserTaskForm'>) {}

  /** The form of the user task; null when it links none (or one this task list cannot read). */
  of(userTaskKey: string, formKey: string | null | undefined): Promise<LinkedForm | null> {
    if (formKey === null || formKey === undefined) return Promise.resolve(null);
    let form = this.byKey.get(formKey);
    if (!form) {
      form = this.load(userTaskKey);
      this.byKey.set(formKey, form);
      // A failed read is asked again next time.
      form.catch(() => this.byKey.delete(formKey));
    }
    return form;
  }

  /** The form of the user task, asked anew (a caller that does not know the form's key). */
  ofTask(userTaskKey: string): Promise<LinkedForm | null> {
    return this.load(userTaskKey);
  }

  private async load(userTaskKey: string): Promise<LinkedForm | null> {
    const form = await this.rest.getUserTaskForm({ userTaskKey: userTaskKey as never }, NO_WAIT);
    if (!form) return null;
    const schema: unknown = typeof form.schema === 'string' ? JSON.parse(form.schema) : form.schema;
    if (!isFormSchema(schema)) return null;
    return { id: String(form.formId), key: String(form.formKey), version: Number(form.version), schema };
  }
}
