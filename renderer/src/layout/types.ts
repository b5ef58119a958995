/** Where the layout put an item: relative to its visible parent group, as React Flow wants it. */
export interface Placement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type Placements = ReadonlyMap<string, Placement>;
