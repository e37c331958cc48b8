/**
 * Athena's CSV result files (csv-records.ts): every value quoted, `""` inside a value, NULL an
 * empty unquoted field, values across lines; read correctly however the file is cut into chunks,
 * and anything Athena never writes refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AthenaCsvReader, CsvFormatError, type CsvRecord } from '../../src/engines/athena/csv-records.js';
import { toAthenaCsv } from '../support/athena-results.js';

function readAll(chunks: string[]): CsvRecord[] {
  const reader = new AthenaCsvReader();
  return [...chunks.flatMap((chunk) => reader.push(chunk)), ...reader.finish()];
}

/** Records in the Athena result form the emulator writes (rows of optional VarCharValue). */
function asFile(records: CsvRecord[]): string {
  return toAthenaCsv(records.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) })));
}

const RECORDS: CsvRecord[] = [
  ['a', 'b', 'c'],
  ['plain', '', undefined],
  [undefined, undefined, undefined],
  ['with "quotes"', '""', '"'],
  ['comma, inside', 'line\nbreak', 'crlf\r\nend'],
  ['ünïcödé ✓', 'null', 'NULL'],
  ['', '', ''],
];

describe('Athena CSV result files', () => {
  it('tells NULL (empty unquoted) from the empty string ("")', () => {
    assert.deepEqual(readAll(['"a",,""\n']), [['a', undefined, '']]);
    assert.deepEqual(readAll(['\n\n']), [[undefined], [undefined]], 'a one-column NULL row is an empty line');
    assert.deepEqual(readAll(['""\n']), [['']]);
  });

  it('reads back every record written in Athena form, cut into chunks at every position', () => {
    const file = asFile(RECORDS);
    assert.deepEqual(readAll([file]), RECORDS);
    for (let cut = 0; cut <= file.length; cut++) {
      assert.deepEqual(readAll([file.slice(0, cut), file.slice(cut)]), RECORDS, `cut at ${cut}`);
    }
    assert.deepEqual(readAll([...file]), RECORDS, 'one character per chunk');
  });

  it('reads a last record without a final line feed', () => {
    assert.deepEqual(readAll(['"x","y"\n"1",']), [['x', 'y'], ['1', undefined]]);
  });

  it('refuses what Athena never writes rather than misread a row', () => {
    for (const bad of ['abc\n', '"a"b\n', '"a""\n"b', '"a",x\n', '"a"\r\n', '"unterminated']) {
      assert.throws(() => readAll([bad]), CsvFormatError, JSON.stringify(bad));
    }
  });
});
