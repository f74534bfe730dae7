/**
 * TensorRT log levels by name, and the console sink. TensorRT numbers severities 0 (internal error) .. 4 (verbose);
 * a level names the least severe message that is still shown.
 */
import { InvalidValueError } from '../errors';

export type LogLevel = 'internal-error' | 'error' | 'warning' | 'info' | 'verbose';
export const LOG_LEVELS: readonly LogLevel[] = ['internal-error', 'error', 'warning', 'info', 'verbose'];

export interface LogEntry {
  severity: LogLevel;
  message: string;
  /**
   * Logged by TensorRT on a thread other than the operation's own (a TensorRT worker thread, or another job): it may
   * belong to a different job running at the same time. Absent for the operation's own messages.
   */
  foreign?: true;
}

/** A native log record as a LogEntry (the `foreign` mark kept only where set). */
export function logEntry(record: { severity: number; message: string; foreign?: boolean }): LogEntry {
  const entry: LogEntry = { severity: severityName(record.severity), message: record.message };
  if (record.foreign) entry.foreign = true;
  return entry;
}

export function severityName(severity: number): LogLevel {
  return LOG_LEVELS[Math.max(0, Math.min(4, Math.trunc(severity)))];
}

export function levelNumber(level: LogLevel | 'none'): number {
  return level === 'none' ? -1 : LOG_LEVELS.indexOf(level);
}

export function validateLogLevel(value: unknown, parameter: string, allowNone: boolean): LogLevel | 'none' {
  const allowed: readonly string[] = allowNone ? [...LOG_LEVELS, 'none'] : LOG_LEVELS;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InvalidValueError(parameter, `one of ${allowed.map((l) => `'${l}'`).join(', ')}`, value);
  }
  return value as LogLevel | 'none';
}

/** Writes one TensorRT message to stderr as "[TensorRT warning] ...". */
export function writeToConsole(entry: LogEntry): void {
  process.stderr.write(`[TensorRT ${entry.severity}] ${entry.message}\n`);
}
