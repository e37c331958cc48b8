;; Follows a nested JSON value (an array or object) through a document's bytes, 64 at a time
;; with SIMD compares, to find where it closes: the cheap scan behind TopLevelValueRewriter
;; (json-nesting.ts). Assembled into json-nesting-wasm.ts by scripts/assemble-wasm.mjs.
;;
;; The caller copies up to WINDOW bytes to address 0, followed by 64 zero bytes, sets the three
;; state globals and calls scan(len). A zero byte is not structural, so a short last block needs
;; no masking. Per block: the masks of quotes, backslashes, openers ([ {) and closers (] });
;; escaped bytes from a walk over the backslashes (rare in data); the bytes inside strings as the
;; prefix XOR of the unescaped quotes; then the depth moves by the brackets outside strings. A
;; backslash outside a string is not valid JSON; it is treated as an escape like any other.
(module
  (memory (export "memory") 2)
  ;; The state between calls: the nesting depth, whether a string is open (0 or 1), and whether
  ;; the next byte is escaped (0 or 1: the last one was an unpaired backslash).
  (global $depth (export "depth") (mut i32) (i32.const 0))
  (global $inString (export "inString") (mut i32) (i32.const 0))
  (global $escapeNext (export "escapeNext") (mut i32) (i32.const 0))
  ;; 64 bits, one per byte of the block at $addr: the bytes equal to $byte.
  (func $mask (param $addr i32) (param $byte i32) (result i64)
    (local $splat v128)
    (local.set $splat (i8x16.splat (local.get $byte)))
    (i64.or
      (i64.or
        (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=0 (local.get $addr)) (local.get $splat))))
        (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=16 (local.get $addr)) (local.get $splat)))) (i64.const 16)))
      (i64.or
        (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=32 (local.get $addr)) (local.get $splat)))) (i64.const 32))
        (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=48 (local.get $addr)) (local.get $splat)))) (i64.const 48)))))
  ;; The same for the bytes b with (b & 0xDF) == $byte: '[' and '{' for 0x5B, ']' and '}' for 0x5D.
  (func $caseMask (param $addr i32) (param $byte i32) (result i64)
    (local $splat v128) (local $fold v128)
    (local.set $splat (i8x16.splat (local.get $byte)))
    (local.set $fold (i8x16.splat (i32.const 0xDF)))
    (i64.or
      (i64.or
        (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=0 (local.get $addr)) (local.get $fold)) (local.get $splat))))
        (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=16 (local.get $addr)) (local.get $fold)) (local.get $splat)))) (i64.const 16)))
      (i64.or
        (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=32 (local.get $addr)) (local.get $fold)) (local.get $splat)))) (i64.const 32))
        (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=48 (local.get $addr)) (local.get $fold)) (local.get $splat)))) (i64.const 48)))))
  ;; Scans memory[0, len); returns the index just past the byte where the depth reaches 0, or -1
  ;; when it does not (the state globals then hold the state after the last byte).
  (func (export "scan") (param $len i32) (result i32)
    (local $pos i32) (local $blockLen i32) (local $quotes i64) (local $backslashes i64)
    (local $escaped i64) (local $p i64) (local $x i64) (local $opens i64) (local $closes i64)
    (local $both i64) (local $bit i64) (local $depth i32) (local $stringMask i64) (local $escapeNext i64)
    (local.set $depth (global.get $depth))
    ;; all ones while a string is open at the block boundary
    (local.set $stringMask (i64.sub (i64.const 0) (i64.extend_i32_u (global.get $inString))))
    (local.set $escapeNext (i64.extend_i32_u (global.get $escapeNext)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $pos) (local.get $len)))
        (local.set $blockLen (i32.sub (local.get $len) (local.get $pos)))
        (if (i32.gt_u (local.get $blockLen) (i32.const 64)) (then (local.set $blockLen (i32.const 64))))
        (local.set $quotes (call $mask (local.get $pos) (i32.const 0x22)))
        (local.set $backslashes (call $mask (local.get $pos) (i32.const 0x5C)))
        ;; escaped bytes: the first one when the previous block ended on an unpaired backslash,
        ;; then each byte after an unescaped backslash (rare: a scalar walk over the backslashes)
        (local.set $escaped (local.get $escapeNext))
        (local.set $escapeNext (i64.const 0))
        (local.set $backslashes (i64.and (local.get $backslashes) (i64.xor (local.get $escaped) (i64.const -1))))
        (block $noMore
          (loop $walk
            (br_if $noMore (i64.eqz (local.get $backslashes)))
            (local.set $p (i64.ctz (local.get $backslashes)))
            (if (i64.ge_u (i64.add (local.get $p) (i64.const 1)) (i64.extend_i32_u (local.get $blockLen)))
              (then (local.set $escapeNext (i64.const 1)) (br $noMore)))
            (local.set $escaped (i64.or (local.get $escaped) (i64.shl (i64.const 2) (local.get $p))))
            (local.set $backslashes (i64.and (local.get $backslashes) (i64.xor (i64.shl (i64.const 3) (local.get $p)) (i64.const -1))))
            (br $walk)))
        (local.set $quotes (i64.and (local.get $quotes) (i64.xor (local.get $escaped) (i64.const -1))))
        ;; inside a string: the prefix XOR of the unescaped quotes, continued from the previous block
        (local.set $x (local.get $quotes))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 1))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 2))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 4))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 8))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 16))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 32))))
        (local.set $x (i64.xor (local.get $x) (local.get $stringMask)))
        (local.set $stringMask (i64.shr_s (local.get $x) (i64.const 63)))
        (local.set $opens (i64.and (call $caseMask (local.get $pos) (i32.const 0x5B)) (i64.xor (local.get $x) (i64.const -1))))
        (local.set $closes (i64.and (call $caseMask (local.get $pos) (i32.const 0x5D)) (i64.xor (local.get $x) (i64.const -1))))
        (if (i32.gt_s (local.get $depth) (i32.wrap_i64 (i64.popcnt (local.get $closes))))
          (then
            ;; the depth cannot reach 0 in this block even if every closer came first
            (local.set $depth (i32.add (local.get $depth)
              (i32.wrap_i64 (i64.sub (i64.popcnt (local.get $opens)) (i64.popcnt (local.get $closes)))))))
          (else
            (local.set $both (i64.or (local.get $opens) (local.get $closes)))
            (block $walked
              (loop $brackets
                (br_if $walked (i64.eqz (local.get $both)))
                (local.set $p (i64.ctz (local.get $both)))
                (local.set $bit (i64.shl (i64.const 1) (local.get $p)))
                (local.set $both (i64.xor (local.get $both) (local.get $bit)))
                (if (i64.ne (i64.and (local.get $opens) (local.get $bit)) (i64.const 0))
                  (then (local.set $depth (i32.add (local.get $depth) (i32.const 1))))
                  (else
                    (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                    (if (i32.eqz (local.get $depth))
                      (then
                        (global.set $depth (i32.const 0))
                        (global.set $inString (i32.const 0))
                        (global.set $escapeNext (i32.const 0))
                        (return (i32.add (i32.add (local.get $pos) (i32.wrap_i64 (local.get $p))) (i32.const 1)))))))
                (br $brackets)))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 64)))
        (br $blocks)))
    (global.set $depth (local.get $depth))
    (global.set $inString (i32.wrap_i64 (i64.and (local.get $stringMask) (i64.const 1))))
    (global.set $escapeNext (i32.wrap_i64 (local.get $escapeNext)))
    (i32.const -1)))
