/** Deployed forms (one per `.form` resource version), in memory. Rows in engine.form. */

export interface FormDefinition {
  readonly key: number;
  readonly formId: string;
  readonly version: number;
  readonly checksum: string;
  readonly resourceKey: number;
  readonly resourceName: string;
}

export type FormRow = Omit<FormDefinition, 'resourceName'>;

export class FormState {
  readonly forms = new Map<number, FormDefinition>();
  readonly latestForm = new Map<string, FormDefinition>();

  addForm(form: FormDefinition): void {
    this.forms.set(form.key, form);
    const latest = this.latestForm.get(form.formId);
    if (!latest || latest.version < form.version) this.latestForm.set(form.formId, form);
  }
}
