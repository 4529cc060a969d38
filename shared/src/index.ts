// First: configures zod for the browser's Content-Security-Policy before any schema parses.
import './zodConfig.js';

export * from './ack.js';
export * from './api.js';
export * from './audio.js';
export * from './audit.js';
export * from './auth.js';
export * from './callSignals.js';
export * from './callStateMachine.js';
export * from './calls.js';
export * from './evaluations.js';
export * from './events.js';
export * from './ingest.js';
export * from './monitors.js';
export * from './recordings.js';
export * from './rules.js';
export * from './screens.js';
export * from './searchQuery.js';
export * from './searchText.js';
export * from './settings.js';
export * from './speech.js';
export * from './wallboard.js';
