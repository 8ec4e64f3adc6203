import { readonly, ref } from 'vue';

/**
 * A three-page hash router. vue-router is not a dependency and three routes
 * do not need one; hash URLs also keep working behind any static file server.
 *   #/login   #/halls   #/halls/{hallId}
 */
export type Route =
  | { name: 'login' }
  | { name: 'halls' }
  | { name: 'hall'; hallId: string }
  // The window console (呼叫端, issue 4; docs/console.md): the window chooser, then one window.
  | { name: 'console'; hallId: string; windowId?: string }
  // The queue configuration admin (issue 4 "Admin"; docs/admin.md): #/admin or #/admin/{hallId}.
  | { name: 'admin'; hallId?: string };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode);
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'halls' && parts[1]) return { name: 'hall', hallId: parts[1] };
  if (parts[0] === 'console' && parts[1]) return parts[2] ? { name: 'console', hallId: parts[1], windowId: parts[2] } : { name: 'console', hallId: parts[1] };
  if (parts[0] === 'admin') return parts[1] ? { name: 'admin', hallId: parts[1] } : { name: 'admin' };
  return { name: 'halls' };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'login': return '#/login';
    case 'halls': return '#/halls';
    case 'hall': return `#/halls/${encodeURIComponent(route.hallId)}`;
    case 'console': return `#/console/${encodeURIComponent(route.hallId)}${route.windowId ? `/${encodeURIComponent(route.windowId)}` : ''}`;
    case 'admin': return route.hallId ? `#/admin/${encodeURIComponent(route.hallId)}` : '#/admin';
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const current = ref<Route>(parseHash(location.hash));
window.addEventListener('hashchange', () => {
  current.value = parseHash(location.hash);
});

export const route = readonly(current);

/** `replace` for redirects (guard, after login) so Back does not bounce the user. */
export function navigate(to: Route, opts: { replace?: boolean } = {}): void {
  const href = hrefOf(to);
  if (location.hash === href) return;
  if (opts.replace) {
    history.replaceState(history.state, '', href);
    current.value = parseHash(href); // replaceState fires no hashchange
  } else {
    location.hash = href;
  }
}
