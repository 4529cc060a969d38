import { peaksForWaveSurfer, type WaveformPeaks } from '@earshot/shared';
import { type RefObject, useEffect, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import RegionsPlugin from 'wavesurfer.js/dist/plugins/regions.esm.js';
import { cspNonce } from '../lib/cspNonce.js';
import type { RegionKind, TimelineRegion } from './reviewTimeline.js';

const CHANNEL_HEIGHT_PX = 56;

/** Region fills, translucent over the waveform (the page's palette: dead-air violet, hold blue…). */
export const REGION_COLORS: Record<RegionKind, string> = {
  silence: 'rgba(208, 140, 255, 0.16)',
  overtalk: 'rgba(255, 107, 107, 0.32)',
  hold: 'rgba(99, 176, 255, 0.18)',
  whisper: 'rgba(63, 191, 111, 0.26)',
  barge: 'rgba(245, 184, 61, 0.32)',
};

export interface Waveform {
  wavesurfer: WaveSurfer | null;
  /** Where playback is, ms into the recording (10 updates a second at most). */
  positionMs: number;
  playing: boolean;
}

/**
 * Draws both channels (agent on top, caller below) from the server's peaks over the page's own <audio>
 * element, which streams the WAV with range requests: nothing is decoded in the browser. `onTime` sees
 * every time update (for "skip silences"); regions are clickable and seek to their start.
 */
export function useWaveform({
  container,
  media,
  peaks,
  durationMs,
  regions,
  onTime,
}: {
  container: RefObject<HTMLDivElement | null>;
  media: RefObject<HTMLAudioElement | null>;
  peaks: WaveformPeaks | undefined;
  durationMs: number;
  regions: readonly TimelineRegion[];
  onTime: (ms: number, wavesurfer: WaveSurfer) => void;
}): Waveform {
  const [wavesurfer, setWavesurfer] = useState<WaveSurfer | null>(null);
  const [regionsPlugin, setRegionsPlugin] = useState<ReturnType<typeof RegionsPlugin.create> | null>(null);
  const [positionMs, setPositionMs] = useState(0);
  const [playing, setPlaying] = useState(false);
  const onTimeRef = useRef(onTime);
  onTimeRef.current = onTime;

  useEffect(() => {
    const host = container.current;
    const audio = media.current;
    if (!host || !audio || !peaks) return;
    const regionsPlugin = RegionsPlugin.create();
    const ws = WaveSurfer.create({
      container: host,
      // wavesurfer styles its shadow DOM with an inline <style>; the page's CSP admits it by this nonce.
      cspNonce: cspNonce(),
      media: audio,
      peaks: peaksForWaveSurfer(peaks),
      duration: durationMs / 1000,
      normalize: true,
      barWidth: 2,
      barGap: 1,
      barRadius: 1,
      cursorColor: '#f5b83d',
      cursorWidth: 2,
      dragToSeek: true,
      splitChannels: [
        { height: CHANNEL_HEIGHT_PX, waveColor: '#4f8fd6', progressColor: '#9cc8ff' },
        { height: CHANNEL_HEIGHT_PX, waveColor: '#7d6bb8', progressColor: '#c9b6ff' },
      ],
      plugins: [regionsPlugin],
    });
    // A mark the page's tests and `npm run bench:review` wait for: the channels are on screen.
    ws.on('redrawcomplete', () => {
      host.dataset.waveformDrawn = 'true';
    });
    const report = (seconds: number) => {
      const ms = seconds * 1000;
      setPositionMs(Math.round(ms / 100) * 100);
      onTimeRef.current(ms, ws);
    };
    ws.on('timeupdate', report);
    ws.on('play', () => setPlaying(true));
    ws.on('pause', () => setPlaying(false));
    ws.on('finish', () => setPlaying(false));
    regionsPlugin.on('region-clicked', (region, event) => {
      event.stopPropagation();
      ws.setTime(region.start);
    });
    setWavesurfer(ws);
    setRegionsPlugin(regionsPlugin);
    return () => {
      setWavesurfer(null);
      setRegionsPlugin(null);
      delete host.dataset.waveformDrawn;
      ws.destroy();
    };
  }, [container, media, peaks, durationMs]);

  useEffect(() => {
    if (!regionsPlugin) return;
    regionsPlugin.clearRegions();
    for (const region of regions) {
      const added = regionsPlugin.addRegion({
        id: region.id,
        start: region.startMs / 1000,
        end: region.endMs / 1000,
        color: REGION_COLORS[region.kind],
        drag: false,
        resize: false,
      });
      added.element?.setAttribute('title', region.label);
      added.element?.setAttribute('data-region-kind', region.kind);
    }
  }, [regionsPlugin, regions]);

  return { wavesurfer, positionMs, playing };
}
