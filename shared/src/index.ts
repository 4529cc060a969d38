export * from './ack.js';
export * from './api.js';
export * from './callStateMachine.js';
export * from './calls.js';
export * from './events.js';
export * from './ingest.js';
export * from './rules.js';
export * from './wallboard.js';
