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

/**
 * Brings form controls in line with the address: only those whose parameter
 * changed since `previous`, so a value being typed into another one (not yet
 * applied) is not wiped by an address change it did not cause.
 */
export function syncControls(controls, query, previous) {
  for (const [name, control] of Object.entries(controls)) {
    const value = query.get(name) ?? '';
    if (previous === null || value !== (previous.get(name) ?? '')) control.value = value;
  }
}
