// bpmnlint 11 ships its types (lib/types.d.ts) without pointing its entry points at them;
// this declares the part the lint test uses.
declare module 'bpmnlint' {
  export interface LintReport {
    readonly id?: string;
    readonly message: string;
    readonly category: 'error' | 'warn' | 'info' | 'rule-error';
  }

  export class Linter {
    constructor(options: { config: unknown; resolver: unknown });
    lint(definitions: unknown): Promise<Record<string, readonly LintReport[]>>;
  }
}

declare module 'bpmnlint/lib/resolver/node-resolver' {
  export default class NodeResolver {
    constructor(options?: { require?: NodeJS.Require });
  }
}
