/** Plain HTTP against the REST API, for requests Camunda's client would refuse to send (bad input). */
export interface RawAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

export async function rawRequest(restAddress: string, method: 'GET' | 'POST', path: string, body?: string | object): Promise<RawAnswer> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const answer = await fetch(`${restAddress}${path}`, init);
  const text = await answer.text();
  return { status: answer.status, contentType: answer.headers.get('content-type'), body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
