/**
 * The logger port every lib/ module takes: four levels, a message and a flat
 * record of data. Handlers pass Powertools' logger through `rampLoggerOf`
 * (lib/runtime/observability.ts), tests a capturing or silent one. Never given
 * tokens or secrets (lib/domain/redact.ts scrubs what slips through).
 */
export interface RampLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const silentLogger: RampLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
