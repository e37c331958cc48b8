/** Where things are, from the compiled file's location (dist/bench/lib/). */
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** dist/bench/, where the compiled fixtures are. */
export const BENCH_DIST = fileURLToPath(new URL('../', import.meta.url));
