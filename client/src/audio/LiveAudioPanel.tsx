import type { MonitorMode } from '@earshot/shared';
import { useEffect, useRef } from 'react';
import { formatCount } from '../lib/time.js';
import type { AudioSideName } from './audioEngine.js';
import { HeadphonesIcon, MonitorModeIcon } from './icons.js';
import { peakToDb, peakToMeterPercent } from './levels.js';
import type { LiveAudioSession, LiveAudioState } from './liveAudioSession.js';
import { useLiveAudio } from './useLiveAudio.js';
import './liveAudio.css';

const MODE_STATUS: Record<MonitorMode, string> = {
  listen: 'Listening',
  whisper: 'Whispering to the agent',
  barge: 'Barged in',
};

const MODE_HINT: Record<MonitorMode, string> = {
  listen: 'You hear both sides; nobody hears you.',
  whisper: 'The agent hears you; the caller does not.',
  barge: 'The agent and the caller both hear you.',
};

const PENDING_STATUS: Record<MonitorMode | 'leave', string> = {
  listen: 'Connecting…',
  whisper: 'Starting to whisper…',
  barge: 'Barging in…',
  leave: 'Leaving…',
};

/** Top of the volume sliders, in percent: a little gain for a quiet side. */
const VOLUME_MAX_PERCENT = 200;

interface LiveAudioPanelProps {
  callId: string;
  /** Starts listening as soon as the panel is ready (the wallboard tile's "Listen"). */
  autoListen: boolean;
  /** Called once the automatic start was made, so the page can drop it from the address. */
  onAutoListenStarted: () => void;
  /** Whether the role may talk (the server checks anyway; this only hides what would be refused). */
  mayWhisper: boolean;
  mayBarge: boolean;
}

/**
 * Listen, whisper and barge for a controller on the live call page: the buttons, the state, a level meter
 * and a volume per side, and a diagnostics line. The numbers are also on the element as data attributes.
 */
export function LiveAudioPanel({ callId, autoListen, onAutoListenStarted, mayWhisper, mayBarge }: LiveAudioPanelProps) {
  const { session, state } = useLiveAudio(callId);
  const autoStarted = useRef<LiveAudioSession | null>(null);

  useEffect(() => {
    if (!autoListen || !session || autoStarted.current === session) return;
    autoStarted.current = session;
    void session.take('listen');
    onAutoListenStarted();
  }, [autoListen, session, onAutoListenStarted]);

  const { mode, pending, diagnostics } = state;
  const buffer = diagnostics.buffer;
  const busy = pending !== null || session === null;
  const onAudio = mode !== null;
  const take = (next: MonitorMode) => void session?.take(next);

  return (
    <section
      className={`live-audio${mode ? ` live-audio-${mode}` : ''}`}
      aria-labelledby="live-audio-title"
      data-testid="live-audio"
      data-mode={mode ?? 'none'}
      data-pending={pending ?? 'none'}
      data-audio-state={state.audioState}
      data-frames-received={diagnostics.framesReceived}
      data-frames-sent={diagnostics.framesSent}
      data-frames-lost={buffer?.framesLost ?? 0}
      data-frames-late={buffer?.framesLate ?? 0}
      data-frames-played={buffer?.framesPlayed ?? 0}
      data-buffer-ms={buffer?.bufferedMs ?? 0}
      data-target-ms={buffer?.targetMs ?? 0}
    >
      <div className="live-audio-head">
        <h3 id="live-audio-title" className="live-audio-subtitle">
          Live audio
        </h3>
        <p className="live-audio-status" role="status" data-testid="live-audio-status">
          {mode && !pending && <MonitorModeIcon mode={mode} className="live-audio-status-icon" />}
          <span>{pending ? PENDING_STATUS[pending] : mode ? MODE_STATUS[mode] : 'Not listening'}</span>
          {mode && !pending && <span className="live-audio-hint">{MODE_HINT[mode]}</span>}
        </p>
      </div>

      <div className="live-audio-actions">
        <button
          type="button"
          className={`button${mode === null ? ' button-primary' : ''}`}
          aria-pressed={mode === 'listen'}
          disabled={busy || mode === 'listen'}
          onClick={() => take('listen')}
        >
          <HeadphonesIcon className="button-icon" />
          Listen
        </button>
        {mayWhisper && (
          <button
            type="button"
            className="button"
            aria-pressed={mode === 'whisper'}
            disabled={busy || mode === 'whisper'}
            onClick={() => take('whisper')}
          >
            <MonitorModeIcon mode="whisper" className="button-icon" />
            Whisper
          </button>
        )}
        {mayBarge && (
          <button
            type="button"
            className="button button-barge"
            aria-pressed={mode === 'barge'}
            disabled={busy || mode === 'barge'}
            onClick={() => take('barge')}
          >
            <MonitorModeIcon mode="barge" className="button-icon" />
            Barge in
          </button>
        )}
        <button
          type="button"
          className="button button-quiet"
          disabled={busy || !onAudio}
          onClick={() => void session?.leave()}
        >
          Leave
        </button>
      </div>

      {onAudio && state.audioState === 'suspended' && (
        <div className="banner banner-warn live-audio-resume" data-testid="audio-suspended">
          <span>The browser is holding the audio back until you click.</span>
          <button type="button" className="button button-primary" onClick={() => void session?.resumeAudio()}>
            Click to start audio
          </button>
        </div>
      )}
      <Messages state={state} onDismiss={() => session?.dismissMessages()} />

      {onAudio && session && (
        <>
          <div className="live-audio-sides">
            <Side session={session} state={state} side="agent" label="Agent" />
            <Side session={session} state={state} side="caller" label="Caller" />
            {(mode === 'whisper' || mode === 'barge') && (
              <div className="live-audio-side">
                <span className="live-audio-side-label">You</span>
                <LevelMeter label="Your microphone level" peak={diagnostics.microphonePeak} testId="level-microphone" />
                <span className="live-audio-side-note muted">
                  {mode === 'whisper' ? 'to the agent' : 'to both sides'}
                </span>
              </div>
            )}
          </div>
          <p className="live-audio-diagnostics" data-testid="live-audio-diagnostics">
            <span>
              buffer <span className="timer">{buffer ? `${buffer.bufferedMs} ms` : '—'}</span>
              {buffer && <span className="muted"> (target {buffer.targetMs})</span>}
            </span>
            <span>
              <span className="timer">{formatCount(diagnostics.framesReceived)}</span> frames received
            </span>
            <span>
              <span className="timer">{formatCount(buffer?.framesLost ?? 0)}</span> lost
            </span>
            <span>
              <span className="timer">{formatCount(buffer?.framesLate ?? 0)}</span> late
            </span>
            {(mode === 'whisper' || mode === 'barge') && (
              <span>
                <span className="timer">{formatCount(diagnostics.framesSent)}</span> sent
              </span>
            )}
          </p>
        </>
      )}
    </section>
  );
}

function Messages({ state, onDismiss }: { state: LiveAudioState; onDismiss: () => void }) {
  if (!state.error && !state.stopped) return null;
  return (
    <div className="banner banner-warn live-audio-message" role="alert" data-testid="live-audio-error">
      <span>
        {state.stopped ? `Live audio stopped: ${state.stopped.message}` : state.error}
        {state.microphoneDenied && (
          <span className="live-audio-message-help">
            {' '}
            Use the site settings next to the address bar to allow the microphone. You can still listen.
          </span>
        )}
      </span>
      <button type="button" className="button button-quiet button-small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function Side({
  session,
  state,
  side,
  label,
}: {
  session: LiveAudioSession;
  state: LiveAudioState;
  side: AudioSideName;
  label: string;
}) {
  const percent = Math.round(state.volumes[side] * 100);
  const peak = side === 'agent' ? state.diagnostics.agentPeak : state.diagnostics.callerPeak;
  return (
    <div className="live-audio-side">
      <span className="live-audio-side-label">{label}</span>
      <LevelMeter label={`${label} level`} peak={peak} testId={`level-${side}`} />
      <label className="live-audio-volume">
        <span className="sr-only">{label} volume</span>
        <input
          type="range"
          min={0}
          max={VOLUME_MAX_PERCENT}
          step={5}
          value={percent}
          onChange={(event) => session.setVolume(side, Number(event.currentTarget.value) / 100)}
        />
        <span className="timer live-audio-volume-value" aria-hidden="true">
          {percent}%
        </span>
      </label>
    </div>
  );
}

function LevelMeter({ label, peak, testId }: { label: string; peak: number; testId: string }) {
  const percent = peakToMeterPercent(peak);
  return (
    // biome-ignore lint/a11y/useSemanticElements: <meter> cannot hold a fill whose colours stay put as it grows (green, amber, red by level).
    <div
      className="level-meter"
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={percent === 0 ? 'silent' : `${Math.round(peakToDb(peak))} dB`}
      data-testid={testId}
    >
      <div className="level-meter-fill" style={{ clipPath: `inset(0 ${100 - percent}% 0 0)` }} />
    </div>
  );
}
