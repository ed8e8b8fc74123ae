import { randomUUID } from 'node:crypto';
import type { TaskReporter } from '../shared/aws/ports.js';

export type Answer = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

/**
 * Stands in for Step Functions' task-token bookkeeping in local runs: issues tokens and keeps the
 * answer the scale function sends for each (SendTaskSuccess / SendTaskFailure).
 */
export class TaskTokenBroker implements TaskReporter {
  private readonly answers = new Map<string, Answer | null>();

  issue(): string {
    const token = `local-${randomUUID()}`;
    this.answers.set(token, null);
    return token;
  }

  async succeed(taskToken: string, output: unknown): Promise<void> {
    this.settle(taskToken, { ok: true, output: JSON.parse(JSON.stringify(output)) });
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    this.settle(taskToken, { ok: false, error, cause });
  }

  /** The answer for a token, once; undefined while none came. */
  take(taskToken: string): Answer | undefined {
    const answer = this.answers.get(taskToken);
    if (!answer) return undefined;
    this.answers.delete(taskToken);
    return answer;
  }

  /** Records the answer for a token; throws as Step Functions answers an unknown or closed token. */
  settle(taskToken: string, answer: Answer): void {
    if (!this.answers.has(taskToken)) {
      // What Step Functions answers for a token it never issued or already closed.
      throw Object.assign(new Error(`Invalid token: ${taskToken}`), { name: 'TaskDoesNotExist' });
    }
    this.answers.set(taskToken, answer);
  }
}
