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
