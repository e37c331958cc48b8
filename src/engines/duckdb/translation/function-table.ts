/**
 * Every Trino function the embedded engine runs: the mappings of functions.ts, windows.ts and
 * arrays.ts, with the date and time mappings of datetime.ts (which extend some of them, `year` or
 * `date_trunc`, to timestamps). The translator, SHOW FUNCTIONS and the README's generated list all
 * read this table. (The modules that hold mappings import functions.ts's helpers: combining them
 * here, not in functions.ts, keeps the imports free of cycles.)
 */
import { ARRAY_FUNCTIONS } from './arrays.js';
import { withDatetime } from './datetime.js';
import { FUNCTIONS } from './functions.js';
import { WINDOW_FUNCTIONS } from './windows.js';

export const FUNCTION_TABLE = withDatetime({ ...FUNCTIONS, ...WINDOW_FUNCTIONS, ...ARRAY_FUNCTIONS });
