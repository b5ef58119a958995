// A collapsible group whose contents are rendered only while open: a nested message can hold a
// whole network, and <details> would build all of it up front.
import { useEffect, useState, type ReactNode } from 'react';

export function Section(props: {
  title: ReactNode; summary?: ReactNode; defaultOpen?: boolean; testId?: string;
  /** Opens the section (again) whenever this number changes: a finding inside it was chosen. */
  openFor?: number;
  /** Spec path of what the section shows (formatPath), for bringing a finding into view. */
  dataPath?: string;
  children: () => ReactNode;
}) {
  const [open, setOpen] = useState(!!props.defaultOpen || props.openFor !== undefined);
  useEffect(() => { if (props.openFor !== undefined) setOpen(true); }, [props.openFor]);
  return (
    <div className={`section ${open ? 'open' : ''}`} data-testid={props.testId} data-path={props.dataPath}>
      <button type="button" className="section-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="chevron">{open ? '▾' : '▸'}</span>
        <span className="section-title">{props.title}</span>
        {props.summary !== undefined && <span className="section-summary">{props.summary}</span>}
      </button>
      {open && <div className="section-body">{props.children()}</div>}
    </div>
  );
}
