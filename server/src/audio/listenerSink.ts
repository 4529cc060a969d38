/**
 * The part of a dashboard socket a listener sink needs: its engine.io connection (to see whether the
 * transport is still busy with earlier writes) and emit.
 */
export interface ListenerSocket {
  id: string;
  conn: {
    transport: { writable: boolean };
    on(event: 'flush', listener: () => void): unknown;
    off(event: 'flush', listener: () => void): unknown;
  };
  emit(event: 'audio:frame', frame: Uint8Array): unknown;
}

/**
 * Frames a listener may have waiting behind a busy connection before newer ones are dropped: 100 frames is
 * 1-2 s of audio (about 35 kB), enough to ride out a burst (a platform catching up after a network stall
 * sends many frames in one tick, and a write only completes on a later tick), small enough that a listener
 * who stopped reading costs little. Later than that the browser's jitter buffer would drop them anyway.
 */
export const LISTENER_MAX_QUEUED_FRAMES = 100;

/**
 * One controller's audio feed. Socket.IO's `volatile` flag drops a message whenever the transport is busy
 * with the previous write, which at 50-100 frames a second drops frames even for a fast listener (two frames
 * in one tick). Instead, frames queue in engine.io's write buffer while the transport is busy, up to
 * LISTENER_MAX_QUEUED_FRAMES; past that they are dropped and counted, so a slow listener costs a bounded
 * amount of memory and never delays anyone else.
 */
export class ListenerSink {
  /** Frames handed to the socket since engine.io last flushed its buffer to the transport. */
  private queued = 0;
  sent = 0;
  dropped = 0;
  private readonly onFlush = () => {
    this.queued = 0;
  };

  constructor(
    readonly socket: ListenerSocket,
    private readonly maxQueued = LISTENER_MAX_QUEUED_FRAMES,
  ) {
    socket.conn.on('flush', this.onFlush);
  }

  /** Sends one encoded frame, or drops it when the connection is backed up. True when sent. */
  send(frame: Uint8Array): boolean {
    if (!this.socket.conn.transport.writable) {
      if (this.queued >= this.maxQueued) {
        this.dropped += 1;
        return false;
      }
      this.queued += 1;
    }
    this.socket.emit('audio:frame', frame);
    this.sent += 1;
    return true;
  }

  dispose(): void {
    this.socket.conn.off('flush', this.onFlush);
  }
}
