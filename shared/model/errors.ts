/**
 * Error names the state machine matches on (Retry / Catch ErrorEquals). Thrown by handlers and sent
 * through SendTaskFailure, so the names are part of the contract with statemachines/autoscaler.asl.json.
 */
export const ErrorNames = {
  ScalingConflict: 'Autoscaler.ScalingConflict',
  StalePlan: 'Autoscaler.StalePlan',
  MesosUnavailable: 'Autoscaler.MesosUnavailable',
  MesosPayload: 'Autoscaler.MesosPayload',
  InvalidConfig: 'Autoscaler.InvalidConfig',
  UnknownPool: 'Autoscaler.UnknownPool',
  AwsUnavailable: 'Autoscaler.AwsUnavailable',
  InvalidInput: 'Autoscaler.InvalidInput',
} as const;
export type ErrorName = (typeof ErrorNames)[keyof typeof ErrorNames];

export class AutoscalerError extends Error {
  constructor(
    override readonly name: ErrorName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
