import type { SpeechSegment, TranscriptLine } from '@earshot/shared';
import { memo, useMemo } from 'react';

/** SVG path of bars in recording ms (x) on a 0..1 row band (y): one element for all of them. */
export function barsPath(bars: readonly { startMs: number; endMs: number }[], top: number, bottom: number): string {
  return bars
    .map((bar) => {
      const width = Math.max(1, bar.endMs - bar.startMs);
      return `M${bar.startMs} ${top}h${width}V${bottom}h${-width}Z`;
    })
    .join('');
}

/**
 * Two lanes under the waveform, agent's row above the caller's as in the waveform: who spoke when
 * (the voice detector's speech segments) and what was said (a bar per transcript line), with the lines
 * the keyword box finds in amber. A click seeks there; the transcript beside does the same by keyboard.
 */
export const ConversationLane = memo(function ConversationLane({
  segments,
  lines,
  hitLines,
  durationMs,
  onSeek,
}: {
  segments: readonly SpeechSegment[];
  lines: readonly TranscriptLine[];
  hitLines: readonly number[];
  durationMs: number;
  onSeek: (ms: number) => void;
}) {
  const paths = useMemo(() => {
    const hits = new Set(hitLines);
    const side = (speaker: 'agent' | 'caller') => lines.filter((line) => line.speaker === speaker);
    return {
      agentSpeech: barsPath(
        segments.filter((s) => s.kind === 'agent'),
        0.05,
        0.45,
      ),
      callerSpeech: barsPath(
        segments.filter((s) => s.kind === 'caller'),
        0.55,
        0.95,
      ),
      agentLines: barsPath(side('agent'), 0.05, 0.45),
      callerLines: barsPath(side('caller'), 0.55, 0.95),
      hits: barsPath(
        lines.filter((_, index) => hits.has(index)),
        0,
        1,
      ),
    };
  }, [segments, lines, hitLines]);
  const viewBox = `0 0 ${Math.max(1, durationMs)} 1`;
  const seekFromClick = (e: React.MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    onSeek(((e.clientX - box.left) / box.width) * durationMs);
  };
  return (
    <>
      {segments.length > 0 && (
        // biome-ignore lint/a11y/useKeyWithClickEvents: a pointer shortcut; the transcript's lines seek by keyboard.
        // biome-ignore lint/a11y/noStaticElementInteractions: as above.
        <div
          className="review-lane review-speech-lane"
          title="Who spoke when: agent above, caller below; click to play from there"
          onClick={seekFromClick}
          data-testid="review-speech-lane"
        >
          <span className="review-lane-label">Speech</span>
          <svg viewBox={viewBox} preserveAspectRatio="none" aria-hidden="true">
            <path className="lane-agent" d={paths.agentSpeech} />
            <path className="lane-caller" d={paths.callerSpeech} />
          </svg>
        </div>
      )}
      {lines.length > 0 && (
        // biome-ignore lint/a11y/useKeyWithClickEvents: as above.
        // biome-ignore lint/a11y/noStaticElementInteractions: as above.
        <div
          className="review-lane review-words-lane"
          title="Transcript lines (keyword hits in amber); click to play from there"
          onClick={seekFromClick}
          data-testid="review-words-lane"
          data-hits={hitLines.length}
        >
          <span className="review-lane-label">Words</span>
          <svg viewBox={viewBox} preserveAspectRatio="none" aria-hidden="true">
            <path className="lane-agent" d={paths.agentLines} />
            <path className="lane-caller" d={paths.callerLines} />
            <path className="lane-hit" d={paths.hits} />
          </svg>
        </div>
      )}
    </>
  );
});
