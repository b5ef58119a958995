export function EmptyState(props: { browser: boolean }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-card">
        <h1>Open a Core ML model</h1>
        <p>
          Drop a <code>.mlmodel</code> file or a <code>.mlpackage</code> folder anywhere in this window,
          or use {props.browser ? <><strong>Open model…</strong> / <strong>Open .mlpackage…</strong></> : <strong>Open…</strong>} in the toolbar.
        </p>
        <ul>
          <li>See the network as a graph; click a layer for its parameters and weights.</li>
          <li>Arrow keys follow edges, <kbd>Ctrl</kbd>+<kbd>F</kbd> finds layers, types and blobs.</li>
          <li>The panel on the left lists inputs, outputs, metadata, class labels and preprocessing.</li>
          <li>Edit: drag a layer from the <strong>Layers</strong> tab onto a connection, double-click a name to rename it, right-click for more; <kbd>Ctrl</kbd>+<kbd>Z</kbd> undoes.</li>
        </ul>
        <p className="muted small">Files are read on this computer; nothing is uploaded.</p>
      </div>
    </div>
  );
}
