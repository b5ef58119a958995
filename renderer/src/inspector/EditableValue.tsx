// A field value the inspector can edit in place: click (or Enter) to edit, Enter or leaving the
// field applies it as an editField operation on exactly that spec path, Escape cancels. Enums
// edit as a select, booleans as a checkbox, repeated numbers as a comma list.
import { useState } from 'react';
import type { FieldDescriptor, PathStep } from '../../../shared/format';
import { runOperation } from '../editing';
import { enumNames, fieldText, parseFieldText } from './fieldEdit';

export function EditableValue(props: { field: FieldDescriptor; value: unknown; path: readonly PathStep[]; display: string; title?: string }) {
  const { field: f, value, path } = props;
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const initial = fieldText(f, value);

  const apply = (text: string): void => {
    if (text === initial) { setEditing(false); setError(null); return; }
    const parsed = parseFieldText(f, text);
    if ('error' in parsed) { setError(parsed.error); return; }
    setEditing(false);
    setError(null);
    runOperation('editField', { path, value: parsed.value });
  };

  if (f.type === 'bool' && !f.repeated) {
    return (
      <label className="field-value editable-bool">
        <input type="checkbox" checked={!!value} data-testid="field-checkbox" onChange={(e) => runOperation('editField', { path, value: e.target.checked })} />
        {props.display}
      </label>
    );
  }
  if (!editing) {
    return (
      <span
        className="field-value editable" role="button" tabIndex={0} data-testid="field-value"
        title={props.title ?? 'Click to edit'}
        onClick={() => setEditing(true)}
        onKeyDown={(e) => { if (e.key === 'Enter' || e.key === 'F2') { e.preventDefault(); setEditing(true); } }}
      >
        {props.display}
      </span>
    );
  }
  if (f.kind === 'enum' && !f.repeated) {
    return (
      <select
        className="field-editor" autoFocus defaultValue={initial} data-testid="field-select"
        onChange={(e) => apply(e.target.value)}
        onBlur={() => setEditing(false)}
        onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); setEditing(false); } }}
      >
        {!enumNames(f).includes(initial) && <option value={initial}>{initial}</option>}
        {enumNames(f).map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
    );
  }
  return (
    <span className="field-edit">
      <input
        className={`field-editor${error ? ' invalid' : ''}`} autoFocus defaultValue={initial} data-testid="field-input"
        aria-invalid={!!error} placeholder={f.repeated ? 'comma-separated values' : ''}
        onKeyDown={(e) => {
          if (e.key === 'Enter') { e.preventDefault(); apply(e.currentTarget.value); }
          if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setEditing(false); setError(null); }
        }}
        onBlur={(e) => apply(e.currentTarget.value)}
      />
      {error && <span className="field-error" role="alert" data-testid="field-error">{error}</span>}
    </span>
  );
}
