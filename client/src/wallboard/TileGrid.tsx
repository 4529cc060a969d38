import type { Call, WallboardSettings } from '@earshot/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import { CallTile } from './CallTile.js';
import { gridColumns, TILE_GAP_PX, TILE_HEIGHT_PX } from './gridLayout.js';

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
  const rowHeight = TILE_HEIGHT_PX + TILE_GAP_PX;

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
  });

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
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="tile-row"
            role="none"
            style={{
              transform: `translateY(${row.start}px)`,
              height: TILE_HEIGHT_PX,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              gap: TILE_GAP_PX,
            }}
          >
            {calls.slice(row.index * columns, (row.index + 1) * columns).map((call) => (
              <CallTile key={call.id} call={call} settings={settings} />
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
