/**
 * The text Trino 483 stores for a view: its query as Trino's SqlFormatter writes it (CreateViewTask
 * formats the query; SHOW CREATE VIEW and information_schema.views show that text). Written over the
 * translator's syntax tree of a CREATE VIEW the gateway ran on the embedded engine, with the
 * statement's tokens for what the tree does not keep (identifiers, function names, literal types and
 * numbers exactly as written, as Trino prints them). Every construct whose output has not been
 * checked against Trino is refused: `undefined`, so the view's text is never shown wrong.
 */
import { tokenize, type Token } from '../../sql/lexer.js';
import { parseTranslatable, type Expr, type Query, type QueryBody, type Relation, type SortItem, type Spec, type Window } from './translation/syntax.js';

class Unformattable extends Error {}

const SPECIAL_FORMS = new Set(['coalesce', 'nullif', 'if']);
const INDENT = '   ';

class ViewFormatter {
  private readonly at = new Map<string, number>();
  /** Each identifier's written forms (quoted or not), by the name it stands for. */
  private readonly forms = new Map<string, Set<string>>();

  constructor(private readonly tokens: Token[]) {
    tokens.forEach((t, i) => {
      this.at.set(`${t.line}:${t.column}`, i);
      if (t.kind === 'word' || t.kind === 'quoted') {
        const set = this.forms.get(t.value.toLowerCase()) ?? new Set<string>();
        set.add(t.text);
        this.forms.set(t.value.toLowerCase(), set);
      }
    });
  }

  private tokenAt(pos: { line: number; column: number }): number {
    const i = this.at.get(`${pos.line}:${pos.column}`);
    if (i === undefined) throw new Unformattable();
    return i;
  }

  /** An alias or column name as the statement wrote it; refused when it was written in more than one form. */
  private name(value: string): string {
    const forms = [...(this.forms.get(value.toLowerCase()) ?? [])].filter((f) => (f.startsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f) === value);
    if (forms.length !== 1) throw new Unformattable();
    return forms[0]!;
  }

  /** A dotted name as written from the token at `pos`. */
  private dotted(pos: { line: number; column: number }, parts: number): string {
    let i = this.tokenAt(pos);
    const out: string[] = [];
    for (let n = 0; n < parts; n++) {
      const t = this.tokens[i]!;
      if (t.kind !== 'word' && t.kind !== 'quoted') throw new Unformattable();
      out.push(t.text);
      i += 2;
      if (n < parts - 1 && this.tokens[i - 1]!.text !== '.') throw new Unformattable();
    }
    return out.join('.');
  }

  query(q: Query, indent: number): string {
    let out = '';
    if (q.with.length > 0) {
      out += `${INDENT.repeat(indent)}WITH\n`;
      q.with.forEach((cte, i) => {
        const columns = cte.columns ? ` (${cte.columns.map((c) => this.name(c)).join(', ')})` : '';
        out += `${INDENT.repeat(indent)}${i === 0 ? '  ' : ', '}${this.name(cte.name)}${columns} AS (\n${this.query(cte.query, indent + 1)}${INDENT.repeat(indent)}) \n`;
      });
    }
    out += this.body(q.body, indent);
    if (q.orderBy.length > 0) out += `${INDENT.repeat(indent)}ORDER BY ${q.orderBy.map((s) => this.sortItem(s)).join(', ')}\n`;
    // FETCH FIRST and LIMIT ALL leave the same tree as LIMIT n and no limit: Trino writes them differently.
    if (this.tokens.some((t, i) => t.value === 'FETCH' || (t.value === 'ALL' && this.tokens[i - 1]?.value === 'LIMIT'))) throw new Unformattable();
    if (q.offset !== undefined) out += `${INDENT.repeat(indent)}OFFSET ${q.offset} ROWS\n`;
    if (q.limit !== undefined) out += `${INDENT.repeat(indent)}LIMIT ${q.limit}\n`;
    return out;
  }

  private body(b: QueryBody, indent: number): string {
    if (b.k === 'spec') return this.spec(b, indent);
    if (b.k === 'values') {
      // A row of one value is that value (Trino's parentheses vanish); of several, a ROW.
      const rows = b.rows.map((row, i) => `\n${INDENT.repeat(indent)}${i === 0 ? '  ' : ', '}${row.length === 1 ? this.expr(row[0]!) : `ROW(${row.map((x) => this.expr(x)).join(', ')})`}`);
      return ` VALUES ${rows.join('')}\n`;
    }
    if (b.k === 'setop' && b.right.k === 'spec' && (b.left.k === 'spec' || (b.left.k === 'setop' && b.left.op === b.op && b.left.all === b.all))) {
      return `${this.body(b.left, indent)}${b.op} ${b.all ? 'ALL ' : ''}${this.spec(b.right, indent)}`;
    }
    throw new Unformattable();
  }

  private spec(s: Spec, indent: number): string {
    const pad = INDENT.repeat(indent);
    if (s.groupingElements !== undefined) throw new Unformattable();
    const items = s.select.map((item) => {
      if (item.k === 'star') return item.qualifier ? `${this.dotted(item.pos, item.qualifier.length)}.*` : '*';
      return item.alias === undefined ? this.expr(item.e) : `${this.expr(item.e)} ${this.name(item.alias)}`;
    });
    const select = `SELECT${s.distinct ? ' DISTINCT' : ''}`;
    let out = items.length === 1 ? `${pad}${select} ${items[0]}\n` : `${pad}${select}\n${items.map((item, i) => `${pad}${i === 0 ? '  ' : ', '}${item}`).join('\n')}\n`;
    if (s.from.length === 0) {
      if (s.where || s.groupBy.length > 0 || s.having) throw new Unformattable();
      return `${out}\n`;
    }
    out += `${pad}FROM\n${s.from.map((r, i) => `${pad}${i === 0 ? '  ' : ', '}${this.relation(r, indent)}`).join('\n')}\n`;
    if (s.where) out += `${pad}WHERE ${this.expr(s.where)}\n`;
    if (s.groupBy.length > 0) out += `${pad}GROUP BY ${s.groupBy.map((e) => this.expr(e)).join(', ')}\n`;
    if (s.having) out += `${pad}HAVING ${this.expr(s.having)}\n`;
    return out;
  }

  private relation(r: Relation, indent: number): string {
    const columns = r.columns ? ` (${r.columns.map((c) => this.name(c)).join(', ')})` : '';
    const alias = r.alias === undefined ? '' : ` ${this.name(r.alias)}${columns}`;
    if (r.sample === undefined) return `${this.unaliased(r, indent)}${alias}`;
    if (r.k !== 'table') throw new Unformattable();
    const sample = ` TABLESAMPLE ${r.sample.method} (${this.expr(r.sample.percent)})`;
    // Trino parenthesizes a sampled relation that has an alias, after a space.
    return alias === '' ? `${this.unaliased(r, indent)}${sample}` : `( ${this.unaliased(r, indent)}${alias})${sample}`;
  }

  private unaliased(r: Relation, indent: number): string {
    switch (r.k) {
      case 'table':
        return this.dotted(r.pos, r.name.length);
      case 'subquery':
        return `(\n${this.query(r.query, indent + 1)}${INDENT.repeat(indent)}) `;
      case 'unnest':
        if (r.ordinality) throw new Unformattable();
        return `UNNEST(${r.args.map((a) => this.expr(a)).join(', ')})`;
      case 'join': {
        if (r.alias !== undefined || r.using !== undefined) throw new Unformattable();
        const criteria = r.on ? ` ON ${this.expr(r.on)}` : '';
        return `(${this.relation(r.left, indent)}\n${INDENT.repeat(indent)}${r.type} JOIN ${this.relation(r.right, indent)}${criteria})`;
      }
    }
  }

  private sortItem(s: SortItem): string {
    return `${this.expr(s.e)} ${s.descending ? 'DESC' : 'ASC'}${s.nullsFirst === undefined ? '' : s.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`;
  }

  private subquery(q: Query): string {
    return `(${this.query(q, 0)})`;
  }

  expr(e: Expr): string {
    switch (e.k) {
      case 'literal':
        return this.literal(e);
      case 'column':
        return this.dotted(e.pos, e.parts.length);
      case 'binary':
        if (e.op === '||') return `concat(${this.expr(e.left)}, ${this.expr(e.right)})`;
        return `(${this.expr(e.left)} ${e.op} ${this.expr(e.right)})`;
      case 'unary':
        if (e.op === 'NOT') return `(NOT ${this.expr(e.arg)})`;
        if (e.op === '-') return this.negative(e.arg, e.pos) ?? `-(${this.expr(e.arg)})`;
        throw new Unformattable();
      case 'logical':
        return `(${e.args.map((a) => this.expr(a)).join(` ${e.op} `)})`;
      case 'isNull':
        return `(${this.expr(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
      case 'between':
        return `(${this.expr(e.arg)} ${e.negated ? 'NOT ' : ''}BETWEEN ${this.expr(e.low)} AND ${this.expr(e.high)})`;
      case 'inList':
        return `(${this.expr(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')}))`;
      case 'inQuery':
        return `(${this.expr(e.arg)} ${e.negated ? 'NOT ' : ''}IN ${this.subquery(e.query)})`;
      case 'like':
        return `(${this.expr(e.arg)} ${e.negated ? 'NOT ' : ''}LIKE ${this.expr(e.pattern)}${e.escape ? ` ESCAPE ${this.expr(e.escape)}` : ''})`;
      case 'exists':
        return `(EXISTS ${this.subquery(e.query)})`;
      case 'scalarQuery':
        return this.subquery(e.query);
      case 'case': {
        const whens = e.whens.map((w) => ` WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`).join('');
        return `(CASE${e.operand ? ` ${this.expr(e.operand)}` : ''}${whens}${e.else ? ` ELSE ${this.expr(e.else)}` : ''} END)`;
      }
      case 'cast':
        return `${e.safe ? 'TRY_CAST' : 'CAST'}(${this.expr(e.arg)} AS ${this.castType(e)})`;
      case 'call':
        return this.call(e);
      case 'array':
        return `ARRAY[${e.items.map((x) => this.expr(x)).join(',')}]`;
      case 'quantified':
        // SOME is kept as ANY by the tree; Trino writes it as written.
        if (this.tokens.some((t) => t.value === 'SOME')) throw new Unformattable();
        return `(${this.expr(e.arg)} ${e.op} ${e.quantifier} ${this.subquery(e.query)})`;
      case 'extract':
        return `EXTRACT(${e.field.toUpperCase()} FROM ${this.expr(e.arg)})`;
      case 'session':
        if (e.name !== 'current_user') throw new Unformattable();
        return 'CURRENT_USER';
      default:
        throw new Unformattable();
    }
  }

  /** A minus written right before a number is part of Trino's number literal (`-2`, `DECIMAL '-1.5'`). */
  private negative(arg: Expr, pos: { line: number; column: number }): string | undefined {
    const next = this.tokens[this.tokenAt(pos) + 1]!;
    if (next.kind !== 'number' || arg.k !== 'literal' || arg.pos.line !== next.line || arg.pos.column !== next.column) return undefined;
    if (arg.lit.k === 'integer') return `-${arg.lit.text}`;
    if (arg.lit.k === 'decimal') return `DECIMAL '-${arg.lit.text}'`;
    if (arg.lit.k === 'double') return `-${doubleText(arg.lit.text)}`;
    return undefined;
  }

  private literal(e: Expr & { k: 'literal' }): string {
    const lit = e.lit;
    switch (lit.k) {
      case 'integer':
        return lit.text;
      case 'decimal':
        return `DECIMAL '${lit.text}'`;
      case 'double':
        return doubleText(lit.text);
      case 'string':
        return quote(lit.value);
      case 'boolean':
        return String(lit.value);
      case 'typed':
        return `${this.tokens[this.tokenAt(e.pos)]!.text} ${quote(lit.value)}`;
      case 'interval':
        if (lit.sign !== 1 || this.tokens[this.tokenAt(e.pos) + 1]!.kind !== 'string') throw new Unformattable();
        return `INTERVAL ${quote(lit.value)} ${lit.unit}`;
      default:
        throw new Unformattable();
    }
  }

  /** The type of a CAST as written: one word, with its numeric parameters (`DOUBLE`, `decimal(10, 2)`). */
  private castType(e: Expr & { k: 'cast' }): string {
    if (!/^[a-z]+(\(\d+(,\d+)*\))?$/.test(e.type)) throw new Unformattable();
    // The AS of this CAST is the first one outside the parentheses of its argument.
    let depth = 0;
    let i = this.tokenAt(e.pos) + 2;
    for (; i < this.tokens.length && !(depth === 0 && this.tokens[i]!.value === 'AS'); i++) {
      if (this.tokens[i]!.text === '(') depth++;
      if (this.tokens[i]!.text === ')') depth--;
    }
    const word = this.tokens[i + 1];
    if (word?.kind !== 'word') throw new Unformattable();
    const params = /\((.*)\)$/.exec(e.type)?.[1];
    return params === undefined ? word.text : `${word.text}(${params.split(',').join(', ')})`;
  }

  private call(e: Expr & { k: 'call' }): string {
    const t = this.tokens[this.tokenAt(e.pos)]!;
    // Special forms the tree keeps as calls (SUBSTRING ... FROM, POSITION, TRIM, AT TIME ZONE) are written otherwise.
    if (t.kind !== 'word' || t.value.toLowerCase() !== e.name || this.tokens[this.tokenAt(e.pos) + 1]!.text !== '(') throw new Unformattable();
    if (['substring', 'trim', 'position', 'extract'].includes(e.name)) throw new Unformattable();
    const args = e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${e.args.map((a) => this.expr(a)).join(', ')}`;
    if (SPECIAL_FORMS.has(e.name)) {
      if (e.over || e.filter || e.distinct) throw new Unformattable();
      return `${e.name.toUpperCase()}(${args})`;
    }
    let out = `${t.text}(${args})`;
    if (e.filter) out += ` FILTER (WHERE ${this.expr(e.filter)})`;
    if (e.over) out += ` OVER (${this.window(e.over)})`;
    return out;
  }

  private window(w: Window): string {
    const parts: string[] = [];
    if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map((x) => this.expr(x)).join(', ')}`);
    if (w.orderBy.length > 0) parts.push(`ORDER BY ${w.orderBy.map((s) => this.sortItem(s)).join(', ')}`);
    if (w.frame) {
      const bound = (b: NonNullable<Window['frame']>['start']): string => ('offset' in b ? `${this.expr(b.offset)} ${b.k}` : b.k);
      parts.push(w.frame.end ? `${w.frame.unit} BETWEEN ${bound(w.frame.start)} AND ${bound(w.frame.end)}` : `${w.frame.unit} ${bound(w.frame.start)}`);
    }
    return parts.join(' ');
  }
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Trino writes a double literal in scientific notation, shortest digits (`1.5e0` as `1.5E0`, `1.0E0` as `1E0`). */
function doubleText(text: string): string {
  return Number(text).toExponential().replace('e+', 'E').replace('e', 'E');
}

/**
 * The query text Trino would store for `CREATE VIEW ... AS <query>` (`sql`, the whole statement), as
 * information_schema.views shows it; undefined when the formatter cannot write it exactly.
 */
export function trinoViewText(sql: string): string | undefined {
  try {
    const statement = parseTranslatable(sql);
    if (statement.k !== 'createView') return undefined;
    return new ViewFormatter(tokenize(sql)).query(statement.query, 0);
  } catch (err) {
    if (err instanceof Unformattable) return undefined;
    throw err;
  }
}

/**
 * The comment the engine gives a view created through the gateway (DuckDB's COMMENT ON VIEW): the
 * text lives and dies with the view itself (CREATE OR REPLACE and DROP take it along), so it can
 * never describe another view. Views without it (DuckDB's own) have no Trino text.
 */
const VIEW_TEXT_MARKER = 'querygate:trino-view-text\n';

export function viewTextComment(text: string): string {
  return VIEW_TEXT_MARKER + text;
}

/** The Trino text kept in a view's comment, or undefined for a comment the gateway did not write. */
export function viewTextOf(comment: string | null | undefined): string | undefined {
  return comment?.startsWith(VIEW_TEXT_MARKER) ? comment.slice(VIEW_TEXT_MARKER.length) : undefined;
}

/** SHOW CREATE VIEW's text of a view named `name` (catalog.schema.view) whose stored text is `text`. */
export function showCreateViewText(name: string, text: string): string {
  return `CREATE VIEW ${name} SECURITY DEFINER AS\n${text.trimEnd()}`;
}
