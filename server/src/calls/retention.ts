import type { RetentionTarget } from '../retention/retentionService.js';
import type { CallRepository } from './callRepository.js';

/** Call records (the call and its history) are kept for the retention period, counted from when the call was offered. */
export function callRecordsRetentionTarget(repository: CallRepository): RetentionTarget {
  return {
    name: 'calls',
    deleteOlderThan: (cutoffMs) => repository.deleteEndedCallsOfferedBefore(cutoffMs),
  };
}
