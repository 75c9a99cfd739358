/** Deployed forms (one per `.form` resource version), in memory. Rows in engine.form. */

export interface FormDefinition {
  readonly key: number;
  readonly formId: string;
  readonly version: number;
  readonly checksum: string;
  readonly resourceKey: number;
  readonly resourceName: string;
  /** The deployment that created this version. */
  readonly deploymentKey?: number;
  readonly versionTag?: string;
}

export type FormRow = Omit<FormDefinition, 'resourceName' | 'deploymentKey'>;

export class FormState {
  readonly forms = new Map<number, FormDefinition>();
  readonly latestForm = new Map<string, FormDefinition>();
  /** Form id + deployment key → the version that deployment holds (also when it redeployed an unchanged form). */
  private readonly byDeployment = new Map<string, FormDefinition>();

  addForm(form: FormDefinition): void {
    this.forms.set(form.key, form);
    const latest = this.latestForm.get(form.formId);
    if (!latest || latest.version < form.version) this.latestForm.set(form.formId, form);
    if (form.deploymentKey !== undefined) this.noteInDeployment(form, form.deploymentKey);
  }

  noteInDeployment(form: FormDefinition, deploymentKey: number): void {
    this.byDeployment.set(`${form.formId}\u0000${deploymentKey}`, form);
  }

  /** Binding type deployment: the version deployed together with the process. */
  inDeployment(formId: string, deploymentKey: number | undefined): FormDefinition | undefined {
    return deploymentKey === undefined ? undefined : this.byDeployment.get(`${formId}\u0000${deploymentKey}`);
  }

  /** Binding type versionTag: the latest version with that tag. */
  withVersionTag(formId: string, versionTag: string): FormDefinition | undefined {
    let found: FormDefinition | undefined;
    for (const form of this.forms.values()) {
      if (form.formId === formId && form.versionTag === versionTag && (!found || found.version < form.version)) found = form;
    }
    return found;
  }
}
