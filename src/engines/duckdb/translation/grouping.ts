/**
 * ROLLUP, CUBE and GROUPING SETS for DuckDB, which forms the same grouping sets (a GROUP BY with
 * several elements takes every combination of their sets, as Trino's does), and grouping(), whose
 * bits DuckDB numbers as Trino does (the last argument is the lowest bit, set when the argument is
 * not grouped in the row's set).
 */
import { notSupported, type GroupingElement, type Pos } from './syntax.js';

/** A grouping element whose expressions are rendered as DuckDB SQL. */
export interface RenderedGroupingElement {
  k: GroupingElement['k'];
  sets: string[][];
}

export function renderGroupingElement(element: RenderedGroupingElement): string {
  if (element.k === 'GROUPING SETS') return `GROUPING SETS (${element.sets.map((set) => `(${set.join(', ')})`).join(', ')})`;
  return `${element.k} (${element.sets.map((set) => set[0]!).join(', ')})`;
}

/**
 * The arguments of grouping(), each one of the GROUP BY's expressions (Trino rejects any other;
 * refused here, as is grouping() of a column grouped by its position or outside a GROUP BY).
 */
export function groupingArguments(args: string[], keys: string[] | undefined, pos: Pos): string {
  if (args.length === 0 || keys === undefined || args.some((a) => !keys.includes(a))) throw notSupported('grouping() of anything but expressions of the GROUP BY', pos);
  return args.join(', ');
}
