// The frame of every signed-in page: a skip link, the header with the session, the navigation (a menu button folds it
// below 800 px wide) and the page. A move to another page puts focus on its heading, as a page load would.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { focusHeadingOf } from '../focus-heading.ts';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../use-api.ts';

const NAV = [
  { to: '/', label: 'Dashboard', current: (path: string) => path === '/' },
  { to: '/templates', label: 'Templates', current: (path: string) => path.startsWith('/templates') },
  { to: '/uploads', label: 'Uploads', current: (path: string) => path.startsWith('/uploads') },
  { to: '/api-keys', label: 'API keys', current: (path: string) => path.startsWith('/api-keys') },
];

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    focusHeadingOf(main.current);
  }, [path]);

  return (
    <div className="layout">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <header className="top-bar">
        <span className="brand">sheethook <span className="brand-part">console</span></span>
        <button
          type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="console-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <div className="session-info">
          {session.apiKey.prefix && (
            <span className="session-key" title="The API key this session was signed in with">
              <span className="visually-hidden">Signed in with the key </span><code>{session.apiKey.prefix}…</code>
            </span>
          )}
          <button type="button" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <nav id="console-nav" className={menuOpen ? 'side-nav open' : 'side-nav'} aria-label="Console">
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <Link to={item.to} aria-current={item.current(path) ? 'page' : undefined}>{item.label}</Link>
            </li>
          ))}
          <li><a href="/docs" target="_blank" rel="noopener">API reference<span className="visually-hidden"> (opens in a new tab)</span></a></li>
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1} className="content">{children}</main>
    </div>
  );
}

/** The page's name in the browser's title bar and history. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · sheethook console`;
  }, [title]);
}
