// A page's heading (where focus goes when the page is opened), its title in the browser, and its main actions.
import { useEffect, useRef, type ReactNode } from 'react';
import { headingMounted } from '../focus-heading.ts';
import { usePageTitle } from './Layout.tsx';

export function PageHeader({ title, children, lead }: { title: string; children?: ReactNode; lead?: ReactNode }) {
  usePageTitle(title);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingMounted(heading.current), []);
  return (
    <div className="page-header">
      <div className="page-heading">
        <h1 ref={heading} tabIndex={-1}>{title}</h1>
        {lead && <div className="lead">{lead}</div>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}
