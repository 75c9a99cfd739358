import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { findUnstorableText, NUL, UNSTORABLE_TEXT } from '../db/unstorable-text';
import { ApiErrorCode } from './error-codes';

/**
 * Refuses an operation carrying text PostgreSQL cannot store (U+0000), in its
 * variables or in a string written into the document, as BAD_USER_INPUT
 * naming the variable; without this it would fail at its first write, as an
 * internal error, after whatever came before that write.
 */
export function checkStorableText(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  const variable = findUnstorableText(variables ?? {}, '');
  if (variable !== undefined) throw refusal(`variable ${variable} ${UNSTORABLE_TEXT}`, variable);
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) throw refusal(`a string in the document ${UNSTORABLE_TEXT}`);
    },
  });
}

function refusal(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApiErrorCode.BAD_USER_INPUT, ...(field === undefined ? {} : { field }), http: { status: 400 } } });
}
