// A page's heading (where focus goes when the page is opened), its title in the browser, and its main actions.
import type { ReactNode } from 'react';
import { usePageTitle } from './Layout.tsx';

export function PageHeader({ title, children, lead }: { title: string; children?: ReactNode; lead?: ReactNode }) {
  usePageTitle(title);
  return (
    <div className="page-header">
      <div className="page-heading">
        <h1 tabIndex={-1}>{title}</h1>
        {lead && <div className="lead">{lead}</div>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}
