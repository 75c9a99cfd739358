/**
 * The task list's shell: sign-in with a bearer token (as the monitor's),
 * the queue and the open task side by side (one at a time on a phone),
 * live updates from the `taskQueueChanged` subscription, and the language.
 * Routes: #/ (the queue) and #/task/<id>.
 */
import { TaskListApiError, clearToken, readToken, request, saveToken, subscribe, takeTokenFromUrl } from './api.js';
import { setText } from './dom.js';
import { mountDevSignIn } from '../shared/dev-sign-in.js';
import { currentLanguage, setLanguage, t, translateShell } from './i18n.js';
import { ME, QUEUE_CHANGED } from './queries.js';
import { createQueue } from './queue.js';
import { createDetail } from './task.js';

const elements = {
  queue: document.getElementById('queue'),
  detail: document.getElementById('detail'),
  login: document.getElementById('login'),
  loginForm: document.getElementById('login-form'),
  loginMessage: document.getElementById('login-message'),
  signOut: document.getElementById('sign-out'),
  who: document.getElementById('who'),
  live: document.getElementById('live'),
  language: document.getElementById('language'),
  announce: document.getElementById('announce'),
  error: document.getElementById('error'),
};

let me = null;
let stopLive = null;

const context = {
  request,
  me: () => me,
  announce: (message) => setText(elements.announce, message),
  showError,
  fail,
  queueChanged: () => queue.reload(),
  async fetchAttachment(id) {
    const response = await fetch(new URL(`../attachments/${encodeURIComponent(id)}`, document.baseURI), {
      headers: { authorization: `Bearer ${readToken()}` },
      cache: 'no-store',
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.blob();
  },
};

const queue = createQueue(context);
const detail = createDetail(context);
elements.queue.append(queue.element);
elements.detail.append(detail.element);

function showError(message) {
  setText(elements.error, message);
  elements.error.hidden = !message;
}

/** An expired or foreign token brings back the sign-in; anything else is said in the alert line. */
function fail(error) {
  if (error instanceof TaskListApiError && error.code === 'UNAUTHENTICATED') {
    clearToken();
    showLogin(t('tokenRefused'));
    return;
  }
  showError(t('failed', error.message));
}

let devSignIn = null;

function showLogin(message) {
  // Development mode only (the API says whether it is on); asked for once, when sign-in is first needed.
  devSignIn ??= mountDevSignIn(document.getElementById('dev-sign-in'), {
    roles: ['clerk', 'grid_worker'],
    onToken: (token) => {
      saveToken(token);
      route();
    },
  });
  stopLive?.();
  stopLive = null;
  me = null;
  document.getElementById('view').hidden = true;
  elements.login.hidden = false;
  elements.signOut.hidden = true;
  setText(elements.who, '');
  setText(elements.live, '');
  setText(elements.loginMessage, message ?? '');
  elements.loginForm.elements.token.focus();
}

async function signIn() {
  try {
    me = (await request(ME)).me;
  } catch (error) {
    if (error instanceof TaskListApiError && error.code === 'UNAUTHENTICATED') {
      clearToken();
      showLogin(readToken() === null ? t('tokenRefused') : undefined);
      return false;
    }
    throw error;
  }
  elements.login.hidden = true;
  document.getElementById('view').hidden = false;
  elements.signOut.hidden = false;
  setText(elements.who, `${me.name} (${me.code})`);
  stopLive = subscribe(QUEUE_CHANGED, onChange, (state) => {
    setText(elements.live, t(state));
    elements.live.dataset.state = state;
    // Changes made while the connection was down are not replayed: read the queue again.
    if (state === 'live') queue.reload();
  });
  return true;
}

function onChange({ taskQueueChanged: change }) {
  if (change.kind === 'ADDED') {
    queue.added(change.task.id);
    context.announce(t('added', change.task.name));
  }
  queue.reload();
  detail.changed(change.task.id);
}

async function route() {
  if (takeTokenFromUrl()) return route();
  if (!readToken()) return showLogin();
  if (me === null && !(await signIn())) return;
  const match = /^#\/task\/([^/]+)$/.exec(location.hash);
  if (match) {
    const id = decodeURIComponent(match[1]);
    document.body.dataset.open = 'task';
    queue.select(id);
    await detail.show(id).catch(fail);
  } else {
    document.body.dataset.open = 'queue';
    queue.select(null);
    detail.clear();
    elements.queue.querySelector('h2')?.focus({ preventScroll: true });
  }
}

elements.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken(elements.loginForm.elements.token.value);
  elements.loginForm.reset();
  route();
});

elements.signOut.addEventListener('click', () => {
  clearToken();
  showLogin(t('signedOut'));
});

elements.language.addEventListener('change', async () => {
  setLanguage(elements.language.value);
  translateShell();
  queue.render();
  const open = detail.current();
  if (open !== null) await detail.show(open, { focus: false }).catch(fail);
  if (me) setText(elements.live, t(elements.live.dataset.state ?? 'offline'));
});

elements.language.value = currentLanguage();
translateShell();
window.addEventListener('hashchange', () => route().catch(fail));
route().catch(fail);
