/**
 * A page's bearer token, kept in sessionStorage (gone with the tab), never in
 * localStorage or a cookie. Shared by the service's browser pages (the
 * monitor, the task list), each under its own key. Self-contained (no
 * imports), so any page can load it: `/monitor/js/token-store.js`, or
 * `/tasks/shared/token-store.js` for the task list.
 */
export function tokenStore(key) {
  const save = (token) => {
    const bare = token.trim().replace(/^Bearer\s+/i, '');
    if (bare) sessionStorage.setItem(key, bare);
  };
  return {
    read: () => sessionStorage.getItem(key),
    save,
    clear: () => sessionStorage.removeItem(key),
    /**
     * <page>#token=… hands the page a token once: it is kept, and taken out of
     * the address bar and the history so it is not bookmarked or shared.
     */
    takeFromUrl() {
      const match = /^#token=([^&]+)/.exec(location.hash);
      if (!match) return false;
      save(decodeURIComponent(match[1]));
      history.replaceState(null, '', `${location.pathname}${location.search}#/`);
      return true;
    },
  };
}
