/**
 * The monitor's shell: sign-in with a bearer token, hash routes between the
 * views, and one refresh loop that re-reads the current view's data every few
 * seconds. Views update their DOM in place, so the diagram keeps its zoom and
 * a focused button keeps its focus.
 */
import { ApiError, clearToken, readToken, request, saveToken, takeTokenFromUrl } from './api.js';
import { mountDevSignIn } from './dev-sign-in.js';
import { setText } from './dom.js';
import { splitHash } from './hash-query.js';
import { forgetSession, landingRoute, loadSession } from './session.js';
import { breachesView } from './views/breaches.js';
import { eventView } from './views/event.js';
import { instanceView } from './views/instance.js';
import { kpisView } from './views/kpis.js';
import { mapView } from './views/map.js';
import { processView } from './views/process.js';
import { processesView } from './views/processes.js';

const REFRESH_MS = 3_000;

/** `cityWide`: the engine's views, open to the command centre's managers and admins only. */
const ROUTES = [
  { pattern: /^#\/processes$/, nav: 'processes', cityWide: true, create: () => processesView },
  { pattern: /^#\/process\/([^/]+)$/, nav: 'processes', cityWide: true, create: () => processView },
  { pattern: /^#\/instance\/([^/]+)$/, nav: 'processes', cityWide: true, create: () => instanceView },
  { pattern: /^#\/event\/([^/]+)$/, nav: 'breaches', create: () => eventView },
  { pattern: /^#\/breaches$/, nav: 'breaches', create: () => breachesView },
  { pattern: /^#\/map$/, nav: 'map', create: () => mapView },
  { pattern: /^#\/kpis$/, nav: 'kpis', create: () => kpisView },
];

const elements = {
  view: document.getElementById('view'),
  login: document.getElementById('login'),
  loginForm: document.getElementById('login-form'),
  loginMessage: document.getElementById('login-message'),
  signOut: document.getElementById('sign-out'),
  status: document.getElementById('last-refresh'),
  announce: document.getElementById('announce'),
  error: document.getElementById('error'),
  nav: document.querySelectorAll('[data-nav]'),
};

let current = null;
/** The route and path the current view was made for: a change of its query alone is handed to it. */
let currentPath = null;
let routing = 0;
let timer;
let running = false;
let again = false;
let refreshes = 0;
/** The view the API refused to fill; not polled again. */
let forbidden = null;

const context = {
  request,
  refreshNow: () => refreshNow(),
  showError,
  announce: (message) => setText(elements.announce, message),
};

/** `source`: a failed refresh clears itself on the next good one; a failed action stays until the next action. */
function showError(message, source = 'action') {
  setText(elements.error, message);
  elements.error.hidden = !message;
  elements.error.dataset.source = source;
}

let devSignIn = null;

function showLogin(message) {
  // Development mode only (the API says whether it is on); asked for once, when sign-in is first needed.
  devSignIn ??= mountDevSignIn(document.getElementById('dev-sign-in'), {
    roles: ['manager', 'admin'],
    onToken: (token) => {
      saveToken(token);
      if (location.hash.startsWith('#/')) route();
      else location.hash = '#/processes';
    },
  });
  stopView();
  elements.view.replaceChildren();
  elements.login.hidden = false;
  elements.signOut.hidden = true;
  setText(elements.loginMessage, message ?? '');
  elements.loginForm.elements.token.focus();
}

function stopView() {
  clearTimeout(timer);
  current?.destroy?.();
  current = null;
  currentPath = null;
}

async function route() {
  if (takeTokenFromUrl()) return route();
  if (!readToken()) return showLogin();
  elements.login.hidden = true;
  elements.signOut.hidden = false;
  const turn = ++routing;
  let session;
  try {
    session = await loadSession(request);
  } catch (error) {
    if (turn !== routing) return;
    if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')) {
      clearToken();
      forgetSession();
      return showLogin(error.code === 'FORBIDDEN' ? `The monitor is for managers and admins: ${error.message}` : error.message);
    }
    showError(`Cannot load the monitor: ${error.message}`, 'refresh');
    return;
  }
  if (turn !== routing) return;
  for (const link of elements.nav) link.hidden = link.dataset.nav === 'processes' && !session.cityWide;
  const { path, query } = splitHash(location.hash);
  const match = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).find(({ m }) => m);
  // Each role lands on a view open to it, and is sent there from one that is not.
  if (!match || (match.r.cityWide && !session.cityWide)) {
    location.replace(landingRoute(session));
    return;
  }
  if (current !== null && path === currentPath && current.setQuery) {
    // Back, forward or a filter: the same view with other parameters keeps its page.
    current.setQuery(query);
    refreshNow();
    return;
  }
  stopView();
  showError('');
  const params = match.m.slice(1).map(decodeURIComponent);
  currentPath = path;
  current = match.r.create()({ ...context, session, query }, ...params);
  elements.view.replaceChildren(current.element);
  document.title = `${current.title} — grid-dispatch monitor`;
  for (const link of elements.nav) {
    if (link.dataset.nav === match.r.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // Screen readers hear the new view's heading rather than nothing.
  current.element.querySelector('h2')?.focus({ preventScroll: true });
  refreshNow();
}

/** One refresh at a time; a request for another while one runs is done right after it. */
async function refreshNow() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  clearTimeout(timer);
  do {
    again = false;
    const view = current;
    if (view === null) break;
    try {
      await view.refresh();
      if (view !== current) continue;
      refreshes++;
      document.body.dataset.refreshes = String(refreshes);
      setText(elements.status, `Updated ${new Date().toLocaleTimeString()}`);
      if (elements.error.dataset.source === 'refresh') showError('');
    } catch (error) {
      if (view !== current) continue;
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
        running = false;
        // An expired or foreign token is of no further use.
        clearToken();
        forgetSession();
        showLogin(error.message);
        return;
      }
      if (error instanceof ApiError && error.code === 'FORBIDDEN') {
        // A department's manager may read breaches and KPIs, not the engine views: say so, and stop asking.
        showError(`This view is not open to you: ${error.message}`);
        forbidden = view;
        continue;
      }
      showError(`Refresh failed: ${error.message}`, 'refresh');
    }
  } while (again);
  running = false;
  // Hidden tabs do not poll; they refresh as soon as they are shown again.
  if (current !== null && current !== forbidden && !document.hidden) timer = setTimeout(refreshNow, REFRESH_MS);
}

elements.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken(elements.loginForm.elements.token.value);
  forgetSession();
  elements.loginForm.reset();
  // Setting the hash routes through hashchange; an unchanged one needs a direct call.
  if (location.hash.startsWith('#/')) route();
  else location.hash = '#/';
});

elements.signOut.addEventListener('click', () => {
  clearToken();
  forgetSession();
  showLogin('Signed out.');
});

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && current !== null) refreshNow();
});

window.addEventListener('hashchange', route);
route();
