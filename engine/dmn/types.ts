/**
 * The executable decision model: what deploy compiles DMN XML into. Immutable
 * once compiled. FEEL is kept as source text (checked at deploy); the FEEL
 * module caches what it parses.
 */

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER' | 'OUTPUT ORDER';

export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';

/** Zeebe's `decisionType` in evaluation records. */
export type DecisionType = 'DECISION_TABLE' | 'LITERAL_EXPRESSION';

export interface TableInput {
  readonly id: string;
  readonly label?: string;
  /** FEEL expression giving the input value. */
  readonly expression: string;
}

export interface TableOutput {
  readonly id: string;
  readonly label?: string;
  /** Key of this column in a compound (several outputs) result. */
  readonly name: string;
  /** The output values in priority order (PRIORITY, OUTPUT ORDER); empty when not given. */
  readonly priorities: readonly unknown[];
}

export interface Rule {
  readonly id: string;
  /** 1-based, as in Zeebe's evaluation records. */
  readonly index: number;
  /** FEEL unary tests, one per input; undefined matches anything (`-` or empty). */
  readonly inputEntries: readonly (string | undefined)[];
  /** FEEL expressions, one per output; undefined yields null. */
  readonly outputEntries: readonly (string | undefined)[];
}

export interface DecisionTable {
  readonly type: 'DECISION_TABLE';
  readonly hitPolicy: HitPolicy;
  /** Only with COLLECT. */
  readonly aggregation?: Aggregation;
  readonly inputs: readonly TableInput[];
  readonly outputs: readonly TableOutput[];
  readonly rules: readonly Rule[];
}

export interface LiteralExpression {
  readonly type: 'LITERAL_EXPRESSION';
  readonly expression: string;
}

export interface Decision {
  readonly id: string;
  readonly name: string;
  /** Ids of the decisions whose results this one reads (by their ids), in document order. */
  readonly requiredDecisions: readonly string[];
  readonly logic: DecisionTable | LiteralExpression;
}

/** One DMN resource: its `definitions` element is the decision requirements graph (DRG). */
export interface DecisionRequirements {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** Every decision, required ones before those that need them. */
  readonly decisions: ReadonlyMap<string, Decision>;
}
