// Which validation errors an edit brings in: the errors of the edited model that the model before
// the edit did not have. An edit is refused in the UI when there are any (the user may still
// apply it, explicitly), as the CLI refuses to write without --force.
//
// Errors are told apart by code and message, counted: the message names the elements involved
// ("multi-array scores has no shape"), whereas the path of an unchanged finding moves when a layer
// is inserted or deleted before it. A second finding with the same text is a new one.
import type { Diagnostic } from '../../../shared/validate';

const key = (d: Diagnostic): string => `${d.code}\u0000${d.message}`;

export function introducedErrors(before: readonly Diagnostic[], after: readonly Diagnostic[]): Diagnostic[] {
  const had = new Map<string, number>();
  for (const d of before) if (d.severity === 'error') had.set(key(d), (had.get(key(d)) ?? 0) + 1);
  const out: Diagnostic[] = [];
  for (const d of after) {
    if (d.severity !== 'error') continue;
    const left = had.get(key(d)) ?? 0;
    if (left > 0) had.set(key(d), left - 1);
    else out.push(d);
  }
  return out;
}
