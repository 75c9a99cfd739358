import { BpmnModdle } from 'bpmn-moddle';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { InvalidModelError } from '../errors';

/**
 * The parts of bpmn-moddle's object tree the compiler reads. Moddle resolves references
 * (sourceRef, attachedToRef, errorRef, default) to the referenced objects.
 */
export interface BpmnElement {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  readonly isExecutable?: boolean;
  readonly flowElements?: readonly BpmnElement[];
  readonly rootElements?: readonly BpmnElement[];
  readonly eventDefinitions?: readonly BpmnElement[];
  readonly extensionElements?: { readonly values?: readonly ExtensionElement[] };
  readonly loopCharacteristics?: BpmnElement;
  readonly sourceRef?: BpmnElement;
  readonly targetRef?: BpmnElement;
  readonly conditionExpression?: { readonly body?: string };
  readonly default?: BpmnElement;
  readonly attachedToRef?: BpmnElement;
  readonly cancelActivity?: boolean;
  readonly triggeredByEvent?: boolean;
  readonly isForCompensation?: boolean;
  readonly errorRef?: BpmnElement;
  readonly errorCode?: string;
  readonly isInterrupting?: boolean;
  readonly escalationRef?: BpmnElement;
  readonly escalationCode?: string;
  readonly signalRef?: BpmnElement;
}

/** A zeebe:* (or foreign) extension element; its attributes depend on the type. */
export interface ExtensionElement {
  readonly $type: string;
  readonly [attribute: string]: unknown;
}

let moddle: BpmnModdle | undefined;

/**
 * Reads BPMN XML. Moddle is lenient: it skips unknown elements and attributes with a
 * warning. Zeebe is strict about its own namespace, so every warning rejects the resource
 * (a misspelt zeebe:taskDefinition would otherwise deploy a task that never gets a job).
 */
export async function readDefinitions(xml: string, resourceName: string): Promise<BpmnElement> {
  moddle ??= new BpmnModdle({ zeebe: zeebeDescriptor });
  let result;
  try {
    result = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidModelError(resourceName, undefined, `the XML cannot be read: ${oneLine(message)}`);
  }
  const [warning] = result.warnings;
  if (warning) {
    const elementId = typeof warning.element?.id === 'string' ? warning.element.id : undefined;
    throw new InvalidModelError(resourceName, elementId, `the XML is not valid BPMN: ${oneLine(warning.message)}`);
  }
  const root = result.rootElement as BpmnElement | undefined;
  if (root?.$type !== 'bpmn:Definitions') {
    throw new InvalidModelError(resourceName, undefined, 'the XML is not a BPMN document (no bpmn:definitions root)');
  }
  return root;
}

function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('; ');
}
