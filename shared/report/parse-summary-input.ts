import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { SummaryInput } from '../model/workflow.js';

export function parseSummaryInput(event: unknown): SummaryInput {
  const e = event as Partial<SummaryInput> | null;
  if (!e || typeof e !== 'object' || !Array.isArray(e.outcomes) || !Array.isArray(e.problems) || typeof e.mesos !== 'object') {
    throw new AutoscalerError(ErrorNames.InvalidInput, 'summary input invalid: outcomes, problems and mesos are required');
  }
  return e as SummaryInput;
}
