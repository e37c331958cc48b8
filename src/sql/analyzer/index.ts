export { analyze, analyzeStatement } from './analyzer.js';
export { parseExpression, parseStatement, MAX_DEPTH } from './parser.js';
export { fingerprint, fingerprintHash, fingerprintOf } from './fingerprint.js';
export type * from './types.js';
