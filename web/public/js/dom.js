/**
 * DOM building without innerHTML: values from the API never become markup,
 * and nothing needs an inline style the Content-Security-Policy would refuse.
 */

/** h('a', { href: '#/x', dataset: { testid: 'y' } }, 'text', child) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

/** Sets text only when it changed, so screen readers and selections are left alone otherwise. */
export function setText(element, text) {
  const value = String(text);
  if (element.textContent !== value) element.textContent = value;
}

/**
 * Brings a container's children in line with `items`, keyed: existing
 * children are updated in place (focus on a button inside one survives a
 * refresh), new ones created, gone ones removed, the order made right.
 */
export function syncList(container, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of [...container.children]) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
    else child.remove();
  }
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let child = existing.get(key);
    if (child === undefined) {
      child = create(item);
      child.dataset.key = key;
      if (container.tagName === 'TBODY') labelCells(container, child);
    } else {
      existing.delete(key);
    }
    update(child, item);
    const expectedPosition = previous === null ? container.firstElementChild : previous.nextElementSibling;
    if (expectedPosition !== child) container.insertBefore(child, expectedPosition);
    previous = child;
  }
  for (const gone of existing.values()) gone.remove();
}

/** Each cell of a new row gets its column's name (data-label), which the narrow layout shows before it. */
function labelCells(body, row) {
  const headers = body.parentElement?.querySelectorAll('thead th');
  if (!headers) return;
  [...row.children].forEach((cell, i) => {
    if (i > 0 && headers[i] && cell.dataset.label === undefined) cell.dataset.label = headers[i].textContent;
  });
}

/** A table with a caption and header row; rows go into the returned tbody. */
/** `quietCaption`: a heading right above says it already; the caption stays for screen readers. */
export function table(caption, headers, testid, { quietCaption = false } = {}) {
  const body = h('tbody');
  const element = h(
    'table',
    { class: 'cards', dataset: testid ? { testid } : undefined },
    h('caption', { class: quietCaption ? 'visually-hidden' : undefined }, caption),
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
    body,
  );
  return { element, body };
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function formatTime(value) {
  return value ? dateTime.format(new Date(value)) : '—';
}

/** 93784 → "1 d 2 h 3 min"; under a minute in seconds. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const parts = [];
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes && !days) parts.push(`${minutes} min`);
  return parts.join(' ');
}

export function formatRate(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

/** A labelled form control: the label wraps it, so no ids need inventing. */
export function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}
