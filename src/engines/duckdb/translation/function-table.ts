/**
 * Every Trino function the embedded engine runs: the mappings of functions.ts, with the date and
 * time mappings of datetime.ts (which extend some of them, `year` or `date_trunc`, to timestamps).
 * The translator, SHOW FUNCTIONS and the README's generated list all read this table.
 */
import { withDatetime } from './datetime.js';
import { FUNCTIONS } from './functions.js';

export const FUNCTION_TABLE = withDatetime(FUNCTIONS);
