// bpmn-moddle 10 ships types only for its meta-model (`bpmn-moddle/types`), not for its
// entry point; this declares the part of the entry point the compiler uses.
declare module 'bpmn-moddle' {
  export interface ModdleWarning {
    readonly message: string;
    readonly element?: { readonly id?: unknown };
  }

  export interface ModdleParseResult {
    readonly rootElement: unknown;
    readonly warnings: readonly ModdleWarning[];
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<ModdleParseResult>;
  }
}
