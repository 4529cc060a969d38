import { useEffect, useState, useSyncExternalStore } from 'react';
import { IDLE_LIVE_AUDIO_STATE, LiveAudioSession, type LiveAudioState } from './liveAudioSession.js';

const noSubscribe = () => () => {};
const idleState = () => IDLE_LIVE_AUDIO_STATE;

/**
 * The live audio of one call for as long as the component shows it: a new session per call id, disposed
 * (audio left, microphone stopped, context closed) on unmount or when the call id changes.
 */
export function useLiveAudio(callId: string): { session: LiveAudioSession | null; state: LiveAudioState } {
  const [session, setSession] = useState<LiveAudioSession | null>(null);
  useEffect(() => {
    const created = new LiveAudioSession(callId);
    setSession(created);
    return () => {
      created.dispose();
      setSession((current) => (current === created ? null : current));
    };
  }, [callId]);
  const live = session?.callId === callId ? session : null;
  const state = useSyncExternalStore(live?.subscribe ?? noSubscribe, live?.getSnapshot ?? idleState);
  return { session: live, state };
}
