// A collapsible group whose contents are rendered only while open: a nested message can hold a
// whole network, and <details> would build all of it up front.
import { useState, type ReactNode } from 'react';

export function Section(props: { title: ReactNode; summary?: ReactNode; defaultOpen?: boolean; testId?: string; children: () => ReactNode }) {
  const [open, setOpen] = useState(!!props.defaultOpen);
  return (
    <div className={`section ${open ? 'open' : ''}`} data-testid={props.testId}>
      <button type="button" className="section-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="chevron">{open ? '▾' : '▸'}</span>
        <span className="section-title">{props.title}</span>
        {props.summary !== undefined && <span className="section-summary">{props.summary}</span>}
      </button>
      {open && <div className="section-body">{props.children()}</div>}
    </div>
  );
}
