import { type ScreenshotMeta, screenshotThumbUrl } from '@earshot/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { formatDuration } from '../lib/time.js';
import { offsetInRecording, type ScreenGap } from './reviewTimeline.js';
import './screens.css';

/**
 * Widths of a thumbnail (112 px image, 2 px border each side) and of a gap note, fixed in screens.css: the
 * virtualizer places items by them without measuring any (measuring 1,800 cost a tenth of a second).
 */
const THUMB_ITEM_PX = 116;
const GAP_ITEM_PX = 96;
/** The strip's flex gap and its side padding (app.css `.screen-strip`), which the virtualizer lays out too. */
const STRIP_GAP_PX = 8;
const STRIP_PADDING_PX = 2;
/** Items rendered beyond each edge of the strip, so a quick scroll does not show empty space. */
const OVERSCAN_ITEMS = 6;

type StripItem =
  | { kind: 'shot'; meta: ScreenshotMeta; screenIndex: number; atMs: number }
  | { kind: 'gap'; gap: ScreenGap; gapIndex: number };

/** Screenshots in time order with the gaps between them placed where they fall. */
export function stripItems(
  screens: readonly ScreenshotMeta[],
  gaps: readonly ScreenGap[],
  startedAt: number,
  durationMs: number,
): StripItem[] {
  const items: StripItem[] = [];
  let gapIndex = 0;
  screens.forEach((meta, screenIndex) => {
    const atMs = offsetInRecording(meta.capturedAt, startedAt, durationMs);
    while (gapIndex < gaps.length && (gaps[gapIndex] as ScreenGap).endMs <= atMs) {
      items.push({ kind: 'gap', gap: gaps[gapIndex] as ScreenGap, gapIndex });
      gapIndex++;
    }
    items.push({ kind: 'shot', meta, screenIndex, atMs });
  });
  for (; gapIndex < gaps.length; gapIndex++) items.push({ kind: 'gap', gap: gaps[gapIndex] as ScreenGap, gapIndex });
  return items;
}

/**
 * Thumbnails in time order with the gaps between them; keeps the current one in view. Only the items in
 * view (and a few either side) are in the DOM: a one-hour call has 1,800 screenshots, and rendering them
 * all made every layout of the review page slow (docs/benchmarks.md, the review bench).
 */
export const Filmstrip = memo(function Filmstrip({
  screens,
  currentIndex,
  gaps,
  startedAt,
  durationMs,
  onSeek,
}: {
  screens: readonly ScreenshotMeta[];
  currentIndex: number;
  gaps: readonly ScreenGap[];
  startedAt: number;
  durationMs: number;
  onSeek: (ms: number) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const items = useMemo(() => stripItems(screens, gaps, startedAt, durationMs), [screens, gaps, startedAt, durationMs]);
  const itemOfScreen = useMemo(() => {
    const positions = new Map<number, number>();
    items.forEach((item, index) => {
      if (item.kind === 'shot') positions.set(item.screenIndex, index);
    });
    return positions;
  }, [items]);

  // A new list is a new key function: the virtualizer lays the items out again (it keeps its layout while
  // the count and keys stay the same).
  const itemKey = useCallback(
    (index: number) => {
      const item = items[index];
      return item?.kind === 'shot' ? item.meta.id : `gap-${item?.gapIndex ?? index}`;
    },
    [items],
  );
  const virtualizer = useVirtualizer({
    horizontal: true,
    count: items.length,
    getItemKey: itemKey,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (items[index]?.kind === 'gap' ? GAP_ITEM_PX : THUMB_ITEM_PX),
    gap: STRIP_GAP_PX,
    paddingStart: STRIP_PADDING_PX,
    paddingEnd: STRIP_PADDING_PX,
    overscan: OVERSCAN_ITEMS,
  });

  useEffect(() => {
    const strip = scrollRef.current;
    const item = virtualizer.measurementsCache[itemOfScreen.get(currentIndex) ?? -1];
    if (!strip || !item) return;
    // Centres the current thumbnail by scrolling the strip only (scrollIntoView would move the page as well),
    // from the virtualizer's own figures: reading the strip's layout, or the virtualizer's smooth scrolling
    // (which does on every frame), costs a forced layout.
    const viewport = virtualizer.scrollRect?.width ?? strip.clientWidth;
    const maxLeft = Math.max(0, virtualizer.getTotalSize() - viewport);
    const left = Math.min(maxLeft, Math.max(0, item.start - (viewport - item.size) / 2));
    if (Math.abs(left - (virtualizer.scrollOffset ?? 0)) >= 1) strip.scrollTo({ left, behavior: 'smooth' });
  }, [currentIndex, itemOfScreen, virtualizer]);

  const visible = virtualizer.getVirtualItems();
  const first = visible[0];
  const last = visible[visible.length - 1];
  // The items not rendered are stood in for by the list's padding, so the rendered ones sit where the
  // virtualizer placed them and the strip scrolls its full length. The list is as wide as all that
  // (screens.css); the box around it scrolls, and its width is the strip's viewport.
  const padding = {
    paddingLeft: first ? first.start : STRIP_PADDING_PX,
    paddingRight: last ? Math.max(STRIP_PADDING_PX, virtualizer.getTotalSize() - last.end) : STRIP_PADDING_PX,
  };
  return (
    <div className="review-filmstrip" ref={scrollRef}>
      <ol
        className="screen-strip review-filmstrip-track"
        style={padding}
        aria-label="Screenshots of this call"
        data-testid="review-filmstrip"
      >
        {visible.map((virtual) => {
          const item = items[virtual.index] as StripItem;
          if (item.kind === 'gap') {
            return (
              <li key={virtual.key} className="review-filmstrip-gap" data-testid="review-filmstrip-gap">
                <span>no screenshots</span>
                <span className="timer">
                  {formatDuration(item.gap.startMs)}–{formatDuration(item.gap.endMs)}
                </span>
              </li>
            );
          }
          const { meta, screenIndex, atMs } = item;
          return (
            <li key={virtual.key}>
              <button
                type="button"
                className="screen-strip-item"
                aria-pressed={screenIndex === currentIndex}
                onClick={() => onSeek(atMs)}
                title={`Play from ${formatDuration(atMs)}`}
                data-testid="review-thumb"
                data-offset-ms={atMs}
              >
                <img
                  src={screenshotThumbUrl(meta.id)}
                  alt=""
                  loading="lazy"
                  width={meta.thumbWidth}
                  height={meta.thumbHeight}
                />
                <span className="screen-strip-time timer">{formatDuration(atMs)}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
});
