import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError } from '../../lib/http.js';
import { failedUploadOutcome, type UploadOutcome, UploadQueue } from './uploadQueue.js';

const uploaded: UploadOutcome = { kind: 'uploaded' };
const networkDown: UploadOutcome = { kind: 'network_error', message: 'could not reach the server' };

describe('UploadQueue', () => {
  it('uploads frames in the order they were taken', async () => {
    const queue = new UploadQueue<number>(5);
    for (const n of [1, 2, 3]) queue.enqueue(n);
    const sent: number[] = [];
    const result = await queue.flush(async (n) => {
      sent.push(n);
      return uploaded;
    });
    expect(sent).toEqual([1, 2, 3]);
    expect(result).toEqual({ uploaded: 3, rejected: 0, stalled: false });
    expect(queue.size).toBe(0);
  });

  it('drops the oldest frames when full and counts them', () => {
    const queue = new UploadQueue<number>(3);
    for (const n of [1, 2, 3, 4, 5]) queue.enqueue(n);
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(2);
  });

  it('keeps the frames after overflow in order and uploads the newest ones', async () => {
    const queue = new UploadQueue<number>(3);
    for (const n of [1, 2, 3, 4, 5]) queue.enqueue(n);
    const sent: number[] = [];
    await queue.flush(async (n) => {
      sent.push(n);
      return uploaded;
    });
    expect(sent).toEqual([3, 4, 5]);
  });

  it('stops on a network error, keeps the frame and retries it first on the next flush', async () => {
    const queue = new UploadQueue<number>(10);
    for (const n of [1, 2, 3]) queue.enqueue(n);
    const attempts: number[] = [];
    const first = await queue.flush(async (n) => {
      attempts.push(n);
      return n === 2 ? networkDown : uploaded;
    });
    expect(first).toEqual({ uploaded: 1, rejected: 0, stalled: true });
    expect(queue.size).toBe(2);
    const second = await queue.flush(async (n) => {
      attempts.push(n);
      return uploaded;
    });
    expect(second).toEqual({ uploaded: 2, rejected: 0, stalled: false });
    expect(attempts).toEqual([1, 2, 2, 3]);
  });

  it('does not retry a frame the server refused', async () => {
    const queue = new UploadQueue<number>(10);
    for (const n of [1, 2]) queue.enqueue(n);
    const attempts: number[] = [];
    const result = await queue.flush(async (n) => {
      attempts.push(n);
      return n === 1 ? { kind: 'rejected', status: 409, message: 'not your call' } : uploaded;
    });
    expect(result).toEqual({ uploaded: 1, rejected: 1, stalled: false });
    expect(attempts).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });

  it('runs one flush at a time', async () => {
    const queue = new UploadQueue<number>(10);
    queue.enqueue(1);
    let calls = 0;
    const upload = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return uploaded;
    };
    const [a, b] = await Promise.all([queue.flush(upload), queue.flush(upload)]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
  });

  it('counts a frame pushed out while its upload was in flight once, and does not drop a newer one', async () => {
    const queue = new UploadQueue<number>(2);
    queue.enqueue(1);
    queue.enqueue(2);
    const sent: number[] = [];
    await queue.flush(async (n) => {
      sent.push(n);
      if (n === 1) queue.enqueue(3);
      return uploaded;
    });
    expect(queue.dropped).toBe(1);
    expect(sent).toEqual([1, 2, 3]);
  });
});

describe('failedUploadOutcome', () => {
  it('retries when the network failed or the server broke', () => {
    expect(failedUploadOutcome(new NetworkError('could not reach the server')).kind).toBe('network_error');
    expect(failedUploadOutcome(new HttpError(503, 'unavailable')).kind).toBe('network_error');
    expect(failedUploadOutcome(new HttpError(500, 'oops')).kind).toBe('network_error');
  });

  it("does not retry a refusal, and keeps the server's sentence", () => {
    expect(failedUploadOutcome(new HttpError(409, 'you are not on call c1'))).toEqual({
      kind: 'rejected',
      status: 409,
      message: 'you are not on call c1',
    });
    expect(failedUploadOutcome(new HttpError(413, 'too large')).kind).toBe('rejected');
  });
});
