/** A configuration mistake, with a message meant for the operator (no stack trace needed). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
