import { readonly, ref } from 'vue';

/**
 * A small hash router. vue-router is not a dependency and a handful of routes
 * do not need one; hash URLs also keep working behind any static file server.
 *   #/login   #/halls   #/halls/{hallId}   #/console/…   #/admin/…
 *   #/leader[/{regionCode}]   #/leader/hall/{hallId}   #/report/{hallId}?from&to
 */
export type Route =
  | { name: 'login' }
  | { name: 'halls' }
  | { name: 'hall'; hallId: string }
  // The window console (呼叫端, docs/console.md): the window chooser, then one window.
  | { name: 'console'; hallId: string; windowId?: string }
  // The queue configuration admin (docs/admin.md): #/admin or #/admin/{hallId}.
  | { name: 'admin'; hallId?: string }
  // The leadership screen (docs/leadership.md): #/leader (the caller's whole scope),
  // #/leader/{regionCode} one level of the city → district → town → village drill-down.
  | { name: 'leader'; region?: string }
  // The leadership screen of one hall: #/leader/hall/{hallId}.
  | { name: 'leaderHall'; hallId: string }
  // 大厅运行研判报告 (004 常态化监测): #/report/{hallId}?from=YYYY-MM-DD&to=YYYY-MM-DD (hall days, both included).
  | { name: 'report'; hallId: string; from?: string; to?: string };

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'halls' && parts[1]) return { name: 'hall', hallId: parts[1] };
  if (parts[0] === 'console' && parts[1])
    return parts[2] ? { name: 'console', hallId: parts[1], windowId: parts[2] } : { name: 'console', hallId: parts[1] };
  if (parts[0] === 'admin') return parts[1] ? { name: 'admin', hallId: parts[1] } : { name: 'admin' };
  if (parts[0] === 'leader') {
    if (parts[1] === 'hall' && parts[2]) return { name: 'leaderHall', hallId: parts[2] };
    return parts[1] && parts[1] !== 'hall' ? { name: 'leader', region: parts[1] } : { name: 'leader' };
  }
  if (parts[0] === 'report' && parts[1]) {
    const q = new URLSearchParams(query);
    const from = q.get('from');
    const to = q.get('to');
    return { name: 'report', hallId: parts[1], ...(from ? { from } : {}), ...(to ? { to } : {}) };
  }
  return { name: 'halls' };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'login':
      return '#/login';
    case 'halls':
      return '#/halls';
    case 'hall':
      return `#/halls/${encodeURIComponent(route.hallId)}`;
    case 'console':
      return `#/console/${encodeURIComponent(route.hallId)}${route.windowId ? `/${encodeURIComponent(route.windowId)}` : ''}`;
    case 'admin':
      return route.hallId ? `#/admin/${encodeURIComponent(route.hallId)}` : '#/admin';
    case 'leader':
      return route.region ? `#/leader/${encodeURIComponent(route.region)}` : '#/leader';
    case 'leaderHall':
      return `#/leader/hall/${encodeURIComponent(route.hallId)}`;
    case 'report': {
      const q = new URLSearchParams();
      if (route.from) q.set('from', route.from);
      if (route.to) q.set('to', route.to);
      const qs = q.toString();
      return `#/report/${encodeURIComponent(route.hallId)}${qs ? `?${qs}` : ''}`;
    }
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
