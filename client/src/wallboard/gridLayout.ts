/** Tile size: wide enough for a full agent name and a big timer, short enough to fit many rows on a wall. */
export const TILE_MIN_WIDTH_PX = 248;
export const TILE_HEIGHT_PX = 132;
/** With the agent's screen under the timers (roles that may view screens): room for a 16:9 thumbnail. */
export const SCREEN_THUMB_HEIGHT_PX = 90;
export const TILE_WITH_SCREEN_HEIGHT_PX = TILE_HEIGHT_PX + SCREEN_THUMB_HEIGHT_PX + 8;
export const TILE_GAP_PX = 10;
/** Room kept between the last column and the scrollbar, kept in step with `.tile-grid-inner` in app.css. */
export const GRID_PADDING_X_PX = 6;

/** How many tile columns fit in a grid this wide; at least one. */
export function gridColumns(widthPx: number): number {
  const usable = widthPx - GRID_PADDING_X_PX;
  return Math.max(1, Math.floor((usable + TILE_GAP_PX) / (TILE_MIN_WIDTH_PX + TILE_GAP_PX)));
}
