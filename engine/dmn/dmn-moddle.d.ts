// dmn-moddle 12 ships no types for its entry point; this declares the part the compiler uses.
declare module 'dmn-moddle' {
  export interface DmnModdleWarning {
    readonly message: string;
    readonly element?: { readonly id?: unknown };
  }

  export interface DmnModdleParseResult {
    readonly rootElement: unknown;
    readonly warnings: readonly DmnModdleWarning[];
  }

  export class DmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<DmnModdleParseResult>;
  }
}
