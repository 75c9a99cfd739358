/**
 * Development sign-in, shared by the service's browser pages (the monitor,
 * the task list): a list of seeded people and a button that asks the API's
 * `/dev/sign-in` for a token of the one picked. The API answers it only with
 * AUTH_MODE=development; otherwise the list does not appear and the page
 * keeps its token field alone. Self-contained (no imports), so any page can
 * load it from `/monitor/js/dev-sign-in.js` (the task list from `/tasks/shared/dev-sign-in.js`).
 *
 *   mountDevSignIn(container, { roles: ['manager', 'admin'], onToken: (token) => … })
 */

const ROLE_NAMES = { citizen: 'Citizens', grid_worker: 'Grid workers', clerk: 'Clerks', manager: 'Managers', admin: 'Administrators' };

/**
 * Fills `container` (initially hidden) with a person picker when development
 * sign-in is on; resolves with whether it is. `apiBase`: where the API is,
 * default this page's origin.
 */
export async function mountDevSignIn(container, { roles = Object.keys(ROLE_NAMES), onToken, apiBase = '' }) {
  if (!(await isEnabled(apiBase))) {
    container.hidden = true;
    return false;
  }
  const lists = await Promise.all(roles.map((role) => fetchPeople(apiBase, role)));
  if (lists.some((list) => list === null)) {
    container.hidden = true;
    return false;
  }

  const select = document.createElement('select');
  select.id = 'dev-sign-in-person';
  select.dataset.testid = 'dev-sign-in-person';
  roles.forEach((role, index) => {
    const group = document.createElement('optgroup');
    group.label = ROLE_NAMES[role] ?? role;
    for (const person of lists[index]) {
      const option = document.createElement('option');
      option.value = person.code;
      option.textContent = `${person.name} (${person.code})`;
      group.append(option);
    }
    if (group.children.length > 0) select.append(group);
  });

  const label = document.createElement('label');
  label.htmlFor = select.id;
  label.textContent = 'Development sign-in: act as a seeded person';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Sign in as this person';
  button.dataset.testid = 'dev-sign-in';
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');

  button.addEventListener('click', async () => {
    button.disabled = true;
    message.textContent = '';
    try {
      const response = await fetch(`${apiBase}/dev/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ person: select.value }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
      onToken(body.token, body.person);
    } catch (error) {
      message.textContent = `Sign-in failed: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });

  container.replaceChildren(label, select, button, message);
  container.hidden = false;
  return true;
}

async function isEnabled(apiBase) {
  try {
    const response = await fetch(`${apiBase}/dev/sign-in`);
    return response.ok && (await response.json()).enabled === true;
  } catch {
    return false;
  }
}

/** The people of a role, or null when development sign-in is off (or the API unreachable). */
async function fetchPeople(apiBase, role) {
  try {
    const response = await fetch(`${apiBase}/dev/sign-in/people?role=${encodeURIComponent(role)}`);
    if (!response.ok) return null;
    return (await response.json()).people;
  } catch {
    return null;
  }
}
