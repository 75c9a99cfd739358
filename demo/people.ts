/**
 * The demo's people talk to the service as any client would: a token from
 * the development sign-in (`/dev/sign-in`), then GraphQL with that token.
 */

const REQUEST_TIMEOUT_MS = 30_000;

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface Person {
  readonly code: string;
  readonly token: string;
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export class People {
  private readonly known = new Map<string, Promise<Person>>();

  constructor(private readonly apiUrl: string) {}

  /** The person with this code, signed in once. */
  as(code: string): Promise<Person> {
    let person = this.known.get(code);
    if (person === undefined) {
      person = this.signIn(code);
      // A failed sign-in is not remembered: the next call tries again.
      person.catch(() => this.known.delete(code));
      this.known.set(code, person);
    }
    return person;
  }

  private async signIn(code: string): Promise<Person> {
    const response = await fetch(`${this.apiUrl}/dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ person: code }),
    });
    const body = (await response.json()) as { token?: string; errors?: { message: string }[] };
    if (!response.ok || body.token === undefined) throw new Error(`sign-in of ${code} failed: ${body.errors?.[0]?.message ?? response.status}`);
    const token = body.token;
    const apiUrl = this.apiUrl;
    return {
      code,
      token,
      async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
        const answer = await fetch(`${apiUrl}/graphql`, {
          method: 'POST',
          // A person gives up on a request that hangs, as a page would.
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const result = (await answer.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
        const error = result.errors?.[0];
        if (error !== undefined) throw new GraphQLRequestError(`${code}: ${error.message}`, error.extensions?.code);
        if (result.data === undefined) throw new GraphQLRequestError(`${code}: HTTP ${answer.status} without data`, undefined);
        return result.data;
      },
    };
  }
}
