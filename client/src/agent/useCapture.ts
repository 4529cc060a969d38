import type { CaptureState } from '@earshot/shared';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { joinCapture, onConnected, subscribe } from '../socket/socket.js';
import { CaptureSession, type CaptureSnapshot } from './capture/captureSession.js';

export interface CaptureView {
  session: CaptureSession;
  capture: CaptureSnapshot;
  /** What the server says about this agent; null until `capture:join` answered. */
  state: CaptureState | null;
  joinError: string | null;
}

/** The capture page's state: joins the agent's room on every connect and feeds the server's word to the session. */
export function useCapture(): CaptureView {
  const [session] = useState(() => new CaptureSession());
  const [state, setState] = useState<CaptureState | null>(null);
  const [joinError, setJoinError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    const unsubscribeConnected = onConnected(() => {
      void joinCapture().then((result) => {
        if (!active) return;
        if (result.ok) {
          setJoinError(null);
          setState(result.data);
        } else {
          setJoinError(result.error);
        }
      });
    });
    const unsubscribeState = subscribe('capture:state', (next) => setState(next));
    return () => {
      active = false;
      unsubscribeConnected();
      unsubscribeState();
      session.dispose();
    };
  }, [session]);

  useEffect(() => {
    session.setCall(state?.callId ?? null, state?.intervalMs ?? 2_000);
  }, [session, state]);

  const capture = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot);
  return { session, capture, state, joinError };
}
