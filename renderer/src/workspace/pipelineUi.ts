// Which workspace panel or builder is open. Kept apart from viewStore, whose dialogs a tab
// switch closes: the pipeline editor follows the active tab instead.
import { create } from 'zustand';

export type PipelinePanel = null | 'create' | 'edit';
export type Builder = null | 'nms' | 'decoder' | 'detector';

interface PipelineUiState {
  readonly panel: PipelinePanel;
  readonly builder: Builder;
  setPanel(panel: PipelinePanel): void;
  setBuilder(builder: Builder): void;
}

export const usePipelineUi = create<PipelineUiState>()((set) => ({
  panel: null,
  builder: null,
  setPanel: (panel) => set({ panel }),
  setBuilder: (builder) => set({ builder }),
}));
