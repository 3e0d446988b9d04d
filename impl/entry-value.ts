/**
 * Swap entry values: what a holder (PTE) stores for a swapped-out page and what the harness
 * sees as the impl's entry key. The value is a swp_entry_t in miniature: the swap type in the
 * top bits and the offset inside that swap space below it. Physical devices are types
 * 0..devicesMax-1; the virtual swap space is the last type, as the RFC's vswap_si takes a
 * swap type of its own. The same (type, offset) packing names a physical slot in a virtual
 * table PHYS word.
 *
 *   value: |-- 0:7 --|-- TYPE:5 --|------------- OFFSET:20 -------------|
 *   bit:    31      25 24       20 19                                   0
 *
 * Value 0 is (type 0, offset 0), the header slot: never an entry, so 0 also means "no entry"
 * (SWAP_ENTRY_INVALID).
 *
 * Not covered here: where an entry's state lives (swap tables, impl/swap-table-word.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { configLimits } from '../lib/config.ts';

export const ENTRY_OFFSET_BITS = 20;
export const ENTRY_OFFSET_MAX = 2 ** ENTRY_OFFSET_BITS - 1;
export const ENTRY_TYPE_BITS = 5; // MAX_SWAPFILES_SHIFT
export const ENTRY_TYPE_SHIFT = ENTRY_OFFSET_BITS;
export const ENTRY_TYPE_MAX = 2 ** ENTRY_TYPE_BITS - 1;
export const ENTRY_BITS = ENTRY_TYPE_BITS + ENTRY_OFFSET_BITS;
/** Every entry value is below it. */
export const ENTRY_VALUE_LIMIT = 2 ** ENTRY_BITS;
/** The swap type of the virtual swap space. */
export const VSWAP_TYPE = ENTRY_TYPE_MAX;

// Offsets of every device and of the virtual space fit, and devices never reach VSWAP_TYPE.
assert(ENTRY_OFFSET_MAX + 1 >= configLimits.deviceSlotsMax);
assert(ENTRY_OFFSET_MAX + 1 >= configLimits.vswapSlotsMax);
assert(configLimits.devicesMax <= VSWAP_TYPE);
assert(ENTRY_BITS <= 30);

// Helpers for casting (type, offset) into an entry value.

export function swpEntry(type: number, offset: number): number {
  assertThat(Number.isInteger(type) && type >= 0 && type <= ENTRY_TYPE_MAX, 'swap type ', type);
  assertThat(
    Number.isInteger(offset) && offset >= 0 && offset <= ENTRY_OFFSET_MAX,
    'offset ',
    offset,
  );
  return ((type << ENTRY_TYPE_SHIFT) | offset) >>> 0; // include/linux/swapops.h: swp_entry()
}

// Helpers for entry value type checking.

export function entryIsValid(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value < ENTRY_VALUE_LIMIT;
}

export function entryIsVirtual(value: number): boolean {
  assertThat(entryIsValid(value), 'entry value ', value);
  return swpType(value) === VSWAP_TYPE; // mm/vswap.h: swap_is_vswap()
}

// Helpers for retrieving information from an entry value.

export function swpType(value: number): number {
  assertThat(Number.isInteger(value) && value >= 0, 'entry value ', value);
  assertThat(value < ENTRY_VALUE_LIMIT, 'entry value ', value, ' too wide');
  return value >>> ENTRY_TYPE_SHIFT; // include/linux/swapops.h: swp_type()
}

export function swpOffset(value: number): number {
  assertThat(Number.isInteger(value) && value >= 0, 'entry value ', value);
  assertThat(value < ENTRY_VALUE_LIMIT, 'entry value ', value, ' too wide');
  return value & ENTRY_OFFSET_MAX; // include/linux/swapops.h: swp_offset()
}

/** `swp(1:37)` for a physical entry, `vswap(205)` for a virtual one. */
export function formatEntryValue(value: number): string {
  assertThat(Number.isInteger(value), 'entry value ', value);
  if (!entryIsValid(value)) return `invalid(${value})`;
  const type = swpType(value);
  const offset = swpOffset(value);
  return type === VSWAP_TYPE ? `vswap(${offset})` : `swp(${type}:${offset})`;
}
