// The result of every plugin call. Success lets the pod go on; Unschedulable says this
// node does not fit now but preemption (or a cluster change) might help;
// UnschedulableAndUnresolvable says no preemption on this node can help; Error is a
// failure of the plugin itself, retried with back-off; Skip (from PreFilter/PreScore)
// says the plugin has nothing to do for this pod.

export enum Code {
  Success = 'Success',
  Error = 'Error',
  Unschedulable = 'Unschedulable',
  UnschedulableAndUnresolvable = 'UnschedulableAndUnresolvable',
  Skip = 'Skip',
}

export class Status {
  /** The plugin that produced it, filled in by the framework. */
  plugin = '';

  constructor(readonly code: Code, readonly reasons: string[] = [], readonly error?: Error) {}

  static success(): Status {
    return successStatus;
  }

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }

  static error(err: Error): Status {
    return new Status(Code.Error, [err.message], err);
  }

  static skip(): Status {
    return skipStatus;
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  message(): string {
    return this.reasons.join(', ');
  }

  withPlugin(name: string): Status {
    if (this === successStatus || this === skipStatus) return this;
    this.plugin = name;
    return this;
  }
}

const successStatus = new Status(Code.Success);
const skipStatus = new Status(Code.Skip);
