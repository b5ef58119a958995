// The layer palette: every layer type, searchable, common ones first. Drag a type onto a
// connection on the canvas to insert it there; click it (or press Enter on it) to insert it on
// the selected connection, or after the selected layer.
import { useMemo, useState, type KeyboardEvent } from 'react';
import { PALETTE_MIME } from '../canvas/dropTarget';
import { insertAtSelection } from '../editing';
import { paletteGroups } from './paletteGroups';

export function LayerList(props: { query: string; onPick: (type: string) => void; draggable?: boolean; testId?: string }) {
  const groups = useMemo(() => paletteGroups(props.query), [props.query]);
  if (groups.length === 0) return <div className="muted small palette-empty">No layer type matches “{props.query}”.</div>;
  return (
    <div className="layer-list" data-testid={props.testId}>
      {groups.map((g) => (
        <section key={g.id} className="palette-group" data-testid="palette-group" data-group={g.id}>
          <h3>{g.title} <span className="count">{g.items.length}</span></h3>
          <ul>
            {g.items.map((i) => (
              <li key={i.type}>
                <button
                  type="button"
                  className={`palette-item cat-${i.category}`}
                  data-testid="palette-item"
                  data-type={i.type}
                  draggable={props.draggable}
                  title={props.draggable ? `${i.type}: drag onto a connection, or click to insert on the selected one` : i.type}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(PALETTE_MIME, i.type);
                    e.dataTransfer.setData('text/plain', i.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => props.onPick(i.type)}
                >
                  <span className="swatch" aria-hidden />
                  <span className="palette-name">{i.displayName}</span>
                  <span className="palette-type">{i.type}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** Enter in a search box picks the first match. */
export function firstMatch(query: string): string | undefined {
  return paletteGroups(query)[0]?.items[0]?.type;
}

export function Palette() {
  const [query, setQuery] = useState('');
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key !== 'Enter') return;
    const t = firstMatch(query);
    if (t) insertAtSelection(t);
  };
  return (
    <div className="palette" data-testid="palette">
      <div className="palette-head">
        <input type="search" placeholder="Search layer types" value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={onKey} data-testid="palette-search" aria-label="Search layer types" />
        <div className="muted small">Drag onto a connection, or select one and click a type.</div>
      </div>
      <LayerList query={query} onPick={insertAtSelection} draggable />
    </div>
  );
}
