/**
 * Every Trino function the embedded engine runs: the mappings of functions.ts, windows.ts and
 * arrays.ts, with the map mappings of maps.ts, the date and time mappings of datetime.ts (which extend some of them, `year` or
 * `date_trunc`, to timestamps), those of chars.ts (`length` of a char) and those of json.ts and json-type.ts. The
 * translator, SHOW FUNCTIONS and the README's generated list all read this table. (The modules
 * that hold mappings import functions.ts's helpers: combining them here, not in functions.ts,
 * keeps the imports free of cycles.)
 */
import { ARRAY_FUNCTIONS } from './arrays.js';
import { CHAR_FUNCTIONS } from './chars.js';
import { withDatetime } from './datetime.js';
import { FUNCTIONS, extendMappings } from './functions.js';
import { JSON_TYPE_FUNCTIONS } from './json-type.js';
import { JSON_FUNCTIONS } from './json.js';
import { LAMBDA_FUNCTIONS } from './lambdas.js';
import { MAP_FUNCTIONS, MAP_LAMBDA_FUNCTIONS } from './maps.js';
import { WINDOW_FUNCTIONS } from './windows.js';

export const FUNCTION_TABLE = extendMappings(withDatetime({ ...FUNCTIONS, ...WINDOW_FUNCTIONS, ...ARRAY_FUNCTIONS }), { ...CHAR_FUNCTIONS, ...JSON_FUNCTIONS, ...JSON_TYPE_FUNCTIONS, ...MAP_FUNCTIONS });

/** The functions taking a lambda: those over arrays (lambdas.ts) and over maps (maps.ts). */
export const LAMBDA_TABLE = { ...LAMBDA_FUNCTIONS, ...MAP_LAMBDA_FUNCTIONS };
