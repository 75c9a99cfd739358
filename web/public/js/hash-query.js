/**
 * A view's filters live in the address, after its route: `#/breaches?grid=…`.
 * A reload keeps them, a link shares them, and each change is a history
 * entry, so back and forward step through them.
 */

export function splitHash(hash) {
  const [path, query = ''] = (hash || '#/').split('?', 2);
  return { path, query: new URLSearchParams(query) };
}

/** Puts the view's filters in the address (a new history entry); no entry when nothing changed. */
export function pushQuery(values) {
  const { path } = splitHash(location.hash);
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  const hash = text ? `${path}?${text}` : path;
  if (hash !== location.hash) location.hash = hash;
}
