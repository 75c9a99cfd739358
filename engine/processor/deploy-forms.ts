/**
 * Deploying form resources: one form per `.form` resource, versioned per form
 * id. A resource with the same checksum and the same name as the form's latest
 * version keeps that version, as in Zeebe.
 */
import type { DeployedForm } from '../api';
import { InvalidArgumentError } from '../errors';
import type { CompiledForm } from '../form/parse-form';
import type { FormDefinition } from '../state/form-state';
import type { ProcessingContext } from './context';

export interface CompiledFormResource {
  readonly name: string;
  readonly content: Buffer;
  readonly checksum: string;
  readonly form?: CompiledForm;
}

/** Checked before anything is deployed: a form id appears once per deployment. */
export function checkFormResources(resources: readonly CompiledFormResource[]): void {
  const seen = new Map<string, string>();
  for (const resource of resources) {
    if (!resource.form) continue;
    const other = seen.get(resource.form.id);
    if (other !== undefined) {
      throw new InvalidArgumentError(
        `Expected to deploy new resources, but encountered the following errors: duplicated form id '${resource.form.id}' in resources '${other}' and '${resource.name}'`,
      );
    }
    seen.set(resource.form.id, resource.name);
  }
}

export function deployFormResource(
  ctx: ProcessingContext,
  deploymentKey: number,
  resource: CompiledFormResource & { readonly form: CompiledForm },
): DeployedForm {
  const formId = resource.form.id;
  const latest = ctx.state.forms.latestForm.get(formId);
  if (latest && latest.checksum === resource.checksum && latest.resourceName === resource.name) {
    ctx.state.forms.noteInDeployment(latest, deploymentKey);
    return deployed(latest);
  }
  const resourceKey = ctx.nextKey();
  ctx.changes.resources.push({ key: resourceKey, deploymentKey, resourceName: resource.name, checksum: resource.checksum, content: resource.content });
  const form: FormDefinition = {
    key: ctx.nextKey(),
    formId,
    version: (latest?.version ?? 0) + 1,
    checksum: resource.checksum,
    resourceKey,
    resourceName: resource.name,
    deploymentKey,
    ...(resource.form.versionTag !== undefined ? { versionTag: resource.form.versionTag } : {}),
  };
  ctx.state.forms.addForm(form);
  ctx.changes.forms.push({
    key: form.key,
    formId,
    version: form.version,
    checksum: form.checksum,
    resourceKey,
    ...(form.versionTag !== undefined ? { versionTag: form.versionTag } : {}),
  });
  ctx.append('FORM', 'CREATED', form.key, {
    formId,
    version: form.version,
    formKey: form.key,
    resourceName: resource.name,
    checksum: resource.checksum,
    versionTag: resource.form.versionTag ?? '',
    deploymentKey,
  });
  return deployed(form);
}

function deployed(form: FormDefinition): DeployedForm {
  return { formId: form.formId, version: form.version, formKey: form.key, resourceName: form.resourceName };
}
