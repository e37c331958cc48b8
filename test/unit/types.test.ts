import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTypeSignature } from '../../src/protocol/types.js';

test('type signatures as Trino reports them', () => {
  assert.deepEqual(parseTypeSignature('decimal(12, 2)'), { rawType: 'decimal', arguments: [{ kind: 'LONG', value: 12 }, { kind: 'LONG', value: 2 }] });
  assert.deepEqual(parseTypeSignature('varchar'), { rawType: 'varchar', arguments: [{ kind: 'LONG', value: 2147483647 }] });
  assert.deepEqual(parseTypeSignature('timestamp with time zone'), { rawType: 'timestamp with time zone', arguments: [] });
  assert.deepEqual(parseTypeSignature('timestamp(6) with time zone'), { rawType: 'timestamp with time zone', arguments: [{ kind: 'LONG', value: 6 }] });
  assert.deepEqual(parseTypeSignature('array(time with time zone)'), {
    rawType: 'array',
    arguments: [{ kind: 'TYPE', value: { rawType: 'time with time zone', arguments: [] } }],
  });
  assert.deepEqual(parseTypeSignature('map(varchar(3), row(a bigint, "b c" double))'), {
    rawType: 'map',
    arguments: [
      { kind: 'TYPE', value: { rawType: 'varchar', arguments: [{ kind: 'LONG', value: 3 }] } },
      {
        kind: 'TYPE',
        value: {
          rawType: 'row',
          arguments: [
            { kind: 'NAMED_TYPE', value: { fieldName: { name: 'a' }, typeSignature: { rawType: 'bigint', arguments: [] } } },
            { kind: 'NAMED_TYPE', value: { fieldName: { name: 'b c' }, typeSignature: { rawType: 'double', arguments: [] } } },
          ],
        },
      },
    ],
  });
  assert.deepEqual(parseTypeSignature('interval day to second'), { rawType: 'interval day to second', arguments: [] });
  assert.throws(() => parseTypeSignature('decimal(12'), /Expected ',' or '\)'/);
});
