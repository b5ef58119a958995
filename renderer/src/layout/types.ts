/** Where the layout put an item: relative to its visible parent group, as React Flow wants it. */
export interface Placement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type Placements = ReadonlyMap<string, Placement>;

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * The path of an edge that spans several rows, through the gaps the layout kept free for it:
 * points relative to `container` (the group holding both ends; undefined: the top level), from
 * the source's bottom to the target's top.
 */
export interface Route {
  readonly container?: string;
  readonly points: readonly Point[];
}

/** Canvas edge key (source and target item ids) → route. Edges within one row gap have none. */
export type Routes = ReadonlyMap<string, Route>;

export const routeKey = (source: string, target: string): string => `${source}\u0000${target}`;

export interface LayoutResult {
  readonly placements: Placements;
  readonly routes: Routes;
}
