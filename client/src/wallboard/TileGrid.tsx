import { type Call, can, type WallboardSettings } from '@earshot/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useSession } from '../auth/session.js';
import { CallTile } from './CallTile.js';
import { gridColumns, TILE_GAP_PX, TILE_HEIGHT_PX, TILE_WITH_SCREEN_HEIGHT_PX } from './gridLayout.js';
import { useScreenThumbs } from './useScreenThumbs.js';

interface TileGridProps {
  calls: readonly Call[];
  settings: WallboardSettings;
}

/** Rows of tiles, only the rows in view (plus a few) are in the DOM, so thousands of calls stay smooth. */
export function TileGrid({ calls, settings }: TileGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useContentWidth(scrollRef);
  const columns = gridColumns(width);
  const rowCount = Math.ceil(calls.length / columns);
  const showScreens = can(useSession().user.role, 'screens:view');
  const tileHeight = showScreens ? TILE_WITH_SCREEN_HEIGHT_PX : TILE_HEIGHT_PX;
  const rowHeight = tileHeight + TILE_GAP_PX;

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    // Fixed-height rows: a role change (screens or not) must re-measure.
    getItemKey: (index) => `${index}-${rowHeight}`,
    // Rows with screens are taller: render as many tiles beyond the edge as before they grew.
    overscan: showScreens ? 5 : 3,
  });

  const virtualRows = virtualizer.getVirtualItems();
  // The calls whose tiles are rendered (in view plus overscan): only these get thumbnails.
  const firstRow = virtualRows[0]?.index ?? 0;
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? -1;
  const renderedIds = useMemo(
    () => calls.slice(firstRow * columns, (lastRow + 1) * columns).map((call) => call.id),
    [calls, firstRow, lastRow, columns],
  );
  const screens = useScreenThumbs(renderedIds, showScreens);

  return (
    // biome-ignore lint/a11y/useSemanticElements: virtualized rows sit between the list and its items, which <ul> does not allow.
    <div
      ref={scrollRef}
      className="tile-grid-scroll"
      role="list"
      aria-label={`Live calls, ${calls.length} shown`}
      data-testid="call-grid"
      data-columns={columns}
    >
      <div className="tile-grid-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualRows.map((row) => (
          <div
            key={row.key}
            className="tile-row"
            role="none"
            style={{
              transform: `translateY(${row.start}px)`,
              height: tileHeight,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              gap: TILE_GAP_PX,
            }}
          >
            {calls.slice(row.index * columns, (row.index + 1) * columns).map((call) => (
              <CallTile
                key={call.id}
                call={call}
                settings={settings}
                showScreen={showScreens}
                screenshot={screens.get(call.id) ?? null}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The element's content width, kept up to date as the window (or the wall display) changes size. */
function useContentWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(element.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
