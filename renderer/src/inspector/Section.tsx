// A collapsible group whose contents are rendered only while open: a nested message can hold a
// whole network, and <details> would build all of it up front.
import { useState, type ReactNode } from 'react';

export function Section(props: {
  title: ReactNode; summary?: ReactNode; defaultOpen?: boolean; testId?: string;
  /** Opens the section (again) whenever this number changes: a finding inside it was chosen. */
  openFor?: number;
  /** Spec path of what the section shows (formatPath), for bringing a finding into view. */
  dataPath?: string;
  children: () => ReactNode;
}) {
  const [open, setOpen] = useState(!!props.defaultOpen || props.openFor !== undefined);
  // Opened during render when openFor changes (React's "adjusting state when a prop changes"):
  // an effect would first paint the section closed, then render again.
  const [openedFor, setOpenedFor] = useState(props.openFor);
  if (props.openFor !== openedFor) {
    setOpenedFor(props.openFor);
    if (props.openFor !== undefined) setOpen(true);
  }
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
