import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { LiveProvider, useLiveState } from './live';
import { useCan, useSession, type Role } from './session';
import { Loading } from './ui/page';
import { SignIn } from './pages/sign-in';

interface Page {
  path: string;
  component: LazyExoticComponent<ComponentType>;
  /** In the navigation bar, with this label. */
  nav?: string;
  /** The least role that sees the page. */
  role?: Role;
}

/** Every page is its own chunk: the first load ships the shell and the board only. */
const PAGES: Page[] = [
  { path: '/', nav: 'Board', component: lazy(() => import('./pages/board')) },
  { path: '/services/:name', component: lazy(() => import('./pages/service')) },
  { path: '/endpoints/:id', component: lazy(() => import('./pages/endpoint')) },
  { path: '/timeline', nav: 'Timeline', component: lazy(() => import('./pages/timeline')) },
  { path: '/actions', nav: 'Actions', component: lazy(() => import('./pages/actions')) },
  { path: '/actions/:id', component: lazy(() => import('./pages/action')) },
  { path: '/automation', nav: 'Automation', component: lazy(() => import('./pages/automation')) },
  { path: '/alerts', nav: 'Alerts', component: lazy(() => import('./pages/alerts')) },
  { path: '/incidents/:id', component: lazy(() => import('./pages/incident')) },
  { path: '/notifications', nav: 'Notifications', component: lazy(() => import('./pages/notifications')) },
  { path: '/silences', nav: 'Silences', component: lazy(() => import('./pages/silences')) },
  { path: '/maintenance', nav: 'Maintenance', component: lazy(() => import('./pages/maintenance')) },
  { path: '/config', nav: 'Config', component: lazy(() => import('./pages/config')) },
  { path: '/reports', nav: 'Reports', component: lazy(() => import('./pages/reports')) },
  { path: '/audit', nav: 'Audit', role: 'operator', component: lazy(() => import('./pages/audit')) },
  { path: '/keys', nav: 'API keys', role: 'admin', component: lazy(() => import('./pages/api-keys')) },
];

function NavItem({ page }: { page: Page }) {
  const allowed = useCan(page.role ?? 'viewer');
  if (!page.nav || !allowed) return null;
  return (
    <li>
      <NavLink to={page.path} end={page.path === '/'}>
        {page.nav}
      </NavLink>
    </li>
  );
}

function LiveIndicator() {
  const state = useLiveState();
  return (
    <span className={`live live-${state}`} role="status" aria-live="polite">
      {state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
    </span>
  );
}

function Shell() {
  const { session, signOut } = useSession();
  return (
    <LiveProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Vigil</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((page) => (
              <NavItem key={page.path} page={page} />
            ))}
          </ul>
        </nav>
        <div className="who">
          <LiveIndicator />
          <span>
            {session?.name} <span className="role">({session?.role})</span>
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <Suspense fallback={<Loading />}>
          <Routes>
            {PAGES.map(({ path, component: Component }) => (
              <Route key={path} path={path} element={<Component />} />
            ))}
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </LiveProvider>
  );
}

function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page here. <NavLink to="/">Back to the board</NavLink>.
      </p>
    </>
  );
}

/** The console: the sign-in form until a session exists, then the pages. */
export function App() {
  const { session } = useSession();
  return session ? <Shell /> : <SignIn />;
}
