// Closing a window with unsaved changes: ask Save / Don't Save / Cancel, and when the answer is
// Save, close only after the save went through and the renderer reports a clean document. Kept
// free of Electron so the sequence can be tested step by step.
import type { DocumentState } from './channels';

export type CloseAnswer = 'save' | 'discard' | 'cancel';

type Phase =
  | 'idle'
  /** The Save / Don't Save / Cancel dialog is showing. */
  | 'asking'
  /** The answer was Save: a save was requested from the renderer. */
  | 'savingToClose'
  /** That save succeeded: close as soon as the document reports clean. */
  | 'savedToClose'
  /** Nothing stops the window closing any more. */
  | 'closing';

export class CloseGuard {
  private doc: DocumentState = { title: '', dirty: false };
  private phase: Phase = 'idle';

  get state(): DocumentState { return this.doc; }

  /** A close was requested (close button, Quit): close now, ask, or wait for the open dialog. */
  requestClose(): 'close' | 'ask' | 'wait' {
    if (this.phase === 'closing' || !this.doc.dirty) { this.phase = 'closing'; return 'close'; }
    if (this.phase === 'asking') return 'wait';
    this.phase = 'asking';
    return 'ask';
  }

  /** The person's answer: close, ask the renderer to save, or stay open. */
  answer(choice: CloseAnswer): 'close' | 'save' | 'stay' {
    if (choice === 'discard') { this.phase = 'closing'; return 'close'; }
    if (choice === 'save') { this.phase = 'savingToClose'; return 'save'; }
    this.phase = 'idle';
    return 'stay';
  }

  /** A save or Save As finished; `ok` false when it failed or its dialog was cancelled. */
  saveFinished(ok: boolean): void {
    if (this.phase !== 'savingToClose') return;
    this.phase = ok ? 'savedToClose' : 'idle';
  }

  /** The renderer's state changed; 'close' when a save requested by the close dialog finished. */
  update(state: DocumentState): 'close' | 'stay' {
    this.doc = state;
    if (this.phase === 'savedToClose') {
      this.phase = state.dirty ? 'idle' : 'closing';
      return state.dirty ? 'stay' : 'close';
    }
    // A close that did not happen (the page vetoed it) must not leave the guard disarmed.
    if (this.phase === 'closing' && state.dirty) this.phase = 'idle';
    return 'stay';
  }

  /** The page reloaded: it has no document until it says so. */
  reset(): void {
    this.doc = { title: '', dirty: false };
    this.phase = 'idle';
  }
}

export const APP_NAME = 'ML Surgeon';

/**
 * "● model.mlmodel — ML Surgeon" while edited. macOS shows the edited state in the close button
 * (BrowserWindow.setDocumentEdited) instead, so its title carries no marker.
 */
export function windowTitle(state: DocumentState, platform: string): string {
  if (!state.title) return APP_NAME;
  const marker = state.dirty && platform !== 'darwin' ? '● ' : '';
  return `${marker}${state.title} — ${APP_NAME}`;
}
