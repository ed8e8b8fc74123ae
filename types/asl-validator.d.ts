declare module 'asl-validator' {
  interface ValidationResult { isValid: boolean; errors: Array<{ message?: string; errorCode?: string; path?: string }> }
  export default function aslValidator(definition: unknown, options?: Record<string, unknown>): ValidationResult;
}
