/**
 * The zswap pool: compressed objects named by handles, at most `capacity` of them. A handle is
 * a small integer (a slot of the pool arrays), handed out lowest-free-first from a stack. Who
 * owns a handle is not recorded here: the classic design keys handles by (type, offset) in
 * per-type trees (impl/zswap-tree.ts); with vswap the handle sits in the virtual table word.
 *
 * Not covered here: store-failure policy (impl/swap-state.ts) and the enabled flag.
 */
import { assert, assertThat } from '../lib/assert.ts';

export class ZswapPool {
  readonly capacity: number;
  private readonly content: Float64Array;
  private readonly used: Uint8Array;
  private readonly freeHandles: number[] = [];
  private storedCount = 0;

  constructor(capacity: number) {
    assertThat(Number.isInteger(capacity) && capacity >= 0, 'zswap capacity ', capacity);
    this.capacity = capacity;
    this.content = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
    for (let handle = capacity - 1; handle >= 0; handle--) this.freeHandles.push(handle);
  }

  get stored(): number {
    assert(this.storedCount + this.freeHandles.length === this.capacity);
    return this.storedCount;
  }

  /** Room for `n` more objects (zswap_check_limits()). */
  hasRoom(n: number): boolean {
    assertThat(Number.isInteger(n) && n >= 1, 'zswap room for ', n);
    return this.storedCount + n <= this.capacity;
  }

  /** Stores a compressed page; the caller checked hasRoom() (zs_malloc() + compress). */
  store(content: number): number {
    const handle = this.freeHandles.pop();
    assert(handle !== undefined, 'zswap pool full');
    assertThat(this.used[handle] === 0, 'zswap handle ', handle, ' reused while live');
    this.used[handle] = 1;
    this.content[handle] = content;
    this.storedCount++;
    return handle;
  }

  /** Decompresses `handle` (zswap_decompress()). */
  load(handle: number): number {
    assertThat(this.isLive(handle), 'zswap handle ', handle, ' not live');
    assert(this.storedCount > 0);
    return this.content[handle] ?? 0;
  }

  /** Frees `handle` (zswap_entry_free()). */
  free(handle: number): void {
    assertThat(this.isLive(handle), 'zswap handle ', handle, ' freed twice');
    assert(this.storedCount > 0);
    this.used[handle] = 0;
    this.content[handle] = 0;
    this.storedCount--;
    this.freeHandles.push(handle);
  }

  isLive(handle: number): boolean {
    return (
      Number.isInteger(handle) && handle >= 0 && handle < this.capacity && this.used[handle] === 1
    );
  }
}
