import { BpmnModdle } from 'bpmn-moddle';

/**
 * Names of BPMN elements by process id and element id. The gateway protocol
 * has no call that reads a deployed model back, so the task list is given
 * the models the service deploys (or any others) and reads the names there;
 * an element it does not know is named by its id.
 */
export class ElementNames {
  private readonly names = new Map<string, string>();

  /** Reads every named flow element of every process in the BPMN documents. */
  static async fromBpmn(documents: readonly string[]): Promise<ElementNames> {
    const names = new ElementNames();
    const moddle = new BpmnModdle();
    for (const xml of documents) {
      const { rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions');
      for (const root of (rootElement as ModdleElement).rootElements ?? []) {
        if (root.$type === 'bpmn:Process' && root.id !== undefined) names.collect(root.id, root.flowElements ?? []);
      }
    }
    return names;
  }

  nameOf(bpmnProcessId: string, elementId: string): string {
    return this.names.get(`${bpmnProcessId}\u0000${elementId}`) ?? elementId;
  }

  private collect(processId: string, elements: readonly ModdleElement[]): void {
    for (const element of elements) {
      const name = element.name?.trim();
      if (element.id !== undefined && name) this.names.set(`${processId}\u0000${element.id}`, name);
      // Subprocesses keep their elements inside; ids are unique across the whole process.
      if (element.flowElements) this.collect(processId, element.flowElements);
    }
  }
}

interface ModdleElement {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  readonly rootElements?: readonly ModdleElement[];
  readonly flowElements?: readonly ModdleElement[];
}
