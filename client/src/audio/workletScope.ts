/**
 * The globals of an AudioWorkletGlobalScope, which TypeScript's DOM library does not describe. Imported by
 * the worklet modules only (never by page code, where these names do not exist).
 */
export interface WorkletProcessor {
  readonly port: MessagePort;
  process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

interface WorkletScope {
  sampleRate: number;
  currentTime: number;
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, processor: new () => WorkletProcessor): void;
}

/** The worklet's global scope, typed. */
export const workletScope = globalThis as unknown as WorkletScope;
