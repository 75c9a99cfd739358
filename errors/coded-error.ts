/**
 * The base of every error the service raises on purpose: the engine's, the
 * domain's, intake's, auth's, the workers' and the departments'. A coded
 * error carries a stable `code` (what clients, transports and tests match
 * on), the input `field` at fault when there is one, and the `cause` it wraps.
 *
 * Codes are declared one way: an `as const` object per family, whose values
 * make the family's union type (see `CodeOf`). Each transport maps a family's
 * codes in one exhaustive switch; the message is for people and logs only.
 */
export interface CodedErrorOptions {
  /** The input field at fault, as the caller named it (`lat`, `variables.priority`). */
  readonly field?: string;
  readonly cause?: unknown;
}

export abstract class CodedError<Code extends string = string> extends Error {
  readonly field: string | undefined;

  protected constructor(
    readonly code: Code,
    message: string,
    options: CodedErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.field = options.field;
  }
}

/** The union of a code family's values: `CodeOf<typeof EngineErrorCode>`. */
export type CodeOf<Family extends Readonly<Record<string, string>>> = Family[keyof Family];
