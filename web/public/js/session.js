/**
 * Who is signed in and the city's vocabularies — departments, categories —
 * read once per sign-in, so every view can say names where people read them
 * and keep the codes on hover.
 */
import { ApiError } from './api.js';
import { h } from './dom.js';
import { forgetGeometry } from './map-geometry.js';
import { CATEGORIES, DEPARTMENTS, ME } from './queries.js';

let loading = null;

/** { me, cityWide, departments: Map(code → {code, name, categories}), categories: Map(code → {code, name, departments}) } */
export function loadSession(request) {
  loading ??= (async () => {
    const [{ me }, { departments }, { categories }] = await Promise.all([request(ME), request(DEPARTMENTS), request(CATEGORIES)]);
    if (me.role !== 'MANAGER' && me.role !== 'ADMIN') throw new ApiError(`signed in as ${me.role.toLowerCase().replace('_', ' ')} ${me.code}`, 'FORBIDDEN');
    const cityWide = me.role === 'ADMIN' || (me.role === 'MANAGER' && me.department === null);
    // A department's manager reads (and filters by) their own department only.
    const own = cityWide ? departments : departments.filter((d) => d.code === me.department?.code);
    const ownCategories = new Set(own.flatMap((d) => d.categories));
    return {
      me,
      cityWide,
      departments: new Map(departments.map((d) => [d.code, d])),
      filterDepartments: [...own].sort((a, b) => a.name.localeCompare(b.name)),
      categories: new Map(categories.map((c) => [c.code, c])),
      filterCategories: categories.filter((c) => cityWide || ownCategories.has(c.code)).sort((a, b) => a.name.localeCompare(b.name)),
    };
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** At sign-out or a new token: nothing of the last person's session stays. */
export function forgetSession() {
  loading = null;
  forgetGeometry();
}

/** The view a role lands on: the engine's views are the command centre's; a department starts at its breaches. */
export function landingRoute(session) {
  return session.cityWide ? '#/processes' : '#/breaches';
}

/** A name people read, with its code on hover (and for tests). */
export function named(name, code) {
  return h('span', { class: 'named', title: code, dataset: { code } }, name ?? code);
}

export function categoryName(session, code) {
  return session.categories.get(code)?.name ?? code;
}

export function departmentName(session, code) {
  return session.departments.get(code)?.name ?? code;
}

/** Fills a <span class="named"> made by named() in place (refreshes keep the element). */
export function setNamed(element, name, code) {
  const text = name ?? code ?? '—';
  if (element.textContent !== text) element.textContent = text;
  if (code) {
    element.title = code;
    element.dataset.code = code;
  } else {
    element.removeAttribute('title');
    delete element.dataset.code;
  }
}
