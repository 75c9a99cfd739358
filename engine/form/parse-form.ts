/**
 * Camunda Forms (`.form` resources): JSON whose `id` names the form. The engine
 * keeps forms as versioned resources, as Zeebe does; it does not render them,
 * so only what versioning needs is read, and a resource without it is refused
 * at deploy naming the resource.
 */
import { InvalidModelError } from '../errors';

export interface CompiledForm {
  /** The form id: the JSON's `id`, what a user task's `formId` links to. */
  readonly id: string;
  /** The JSON's `versionTag`, what a linked form with binding type versionTag names. */
  readonly versionTag?: string;
}

export function isFormResource(resourceName: string): boolean {
  return resourceName.toLowerCase().endsWith('.form');
}

export function parseForm(content: Buffer, resourceName: string): CompiledForm {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new InvalidModelError(resourceName, undefined, `the form is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidModelError(resourceName, undefined, 'the form is not a JSON object');
  }
  const id = (json as { id?: unknown }).id;
  if (typeof id !== 'string' || id.trim() === '') {
    throw new InvalidModelError(resourceName, undefined, "the form has no 'id' (a non-empty string)");
  }
  const versionTag = (json as { versionTag?: unknown }).versionTag;
  return typeof versionTag === 'string' && versionTag.trim() !== '' ? { id, versionTag } : { id };
}
