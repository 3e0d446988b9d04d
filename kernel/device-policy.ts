/**
 * How Linux 6.1 numbers swap devices and picks the one a swap-out uses, as a prediction the
 * kernel oracle checks (the swap type of every swapped-out page is read from pagemap):
 *
 * - swapon takes the lowest free swap type (mm/swapfile.c: alloc_swap_info());
 * - the devices with a free page form a list by priority, highest first; swapon adds a device
 *   after the others of its priority, a device that fills up leaves the list and comes back
 *   after the others of its priority when a page is freed (add_to_avail_list(),
 *   del_from_avail_list());
 * - an allocation tries the list in order and requeues each device it tries after the others
 *   of its priority (get_swap_pages(): plist_requeue()), so equal priorities take turns.
 *
 * Priorities are config priorities mapped by rank to 0..32767 (profile entry
 * `device-priority`).
 *
 * Not covered here: which slot inside a device (userspace sees offsets only as equalities).
 */

interface Avail {
  readonly device: number;
  readonly priority: number;
}

export class DevicePolicy {
  /** Kernel priority of each config device. */
  readonly priorities: readonly number[];
  /** The config device in each swap type, or null for a free type. */
  private types: (number | null)[] = [];
  private avail: Avail[] = [];

  constructor(configPriorities: readonly number[]) {
    const ranks = [...new Set(configPriorities)].sort((a, b) => a - b);
    this.priorities = configPriorities.map((priority) => ranks.indexOf(priority));
  }

  /** swapon of `device`: the lowest free type, and the device joins the list. */
  swapon(device: number): void {
    const free = this.types.indexOf(null);
    if (free < 0) this.types.push(device);
    else this.types[free] = device;
    this.join(device);
  }

  /** swapoff of `device`: it leaves the list and frees its type. */
  swapoff(device: number): void {
    this.leave(device);
    const type = this.types.indexOf(device);
    if (type >= 0) this.types[type] = null;
  }

  /** The device the next allocation takes a page from, without taking it. */
  peek(): number | null {
    return this.avail[0]?.device ?? null;
  }

  /** An allocation from `device`: it moves behind the others of its priority. */
  allocated(device: number): void {
    this.leave(device);
    this.join(device);
  }

  /** After an op: devices that filled up leave the list, devices with a free page again
   * (online and write-ok) come back, in config order. */
  settle(hasFreePage: (device: number) => boolean, writable: (device: number) => boolean): void {
    for (const { device } of [...this.avail])
      if (!hasFreePage(device) || !writable(device)) this.leave(device);
    this.priorities.forEach((_, device) => {
      if (writable(device) && hasFreePage(device) && !this.listed(device)) this.join(device);
    });
  }

  /** The config device of each swap type, index = type (null: free). */
  typeTable(): readonly (number | null)[] {
    return [...this.types];
  }

  /** The swap type of an online device, or null. */
  typeOf(device: number): number | null {
    const type = this.types.indexOf(device);
    return type < 0 ? null : type;
  }

  private listed(device: number): boolean {
    return this.avail.some((each) => each.device === device);
  }

  private join(device: number): void {
    if (this.listed(device)) return;
    const priority = this.priorities[device] ?? 0;
    // After every device of the same or a higher priority (plist_add()).
    const at = this.avail.findIndex((each) => each.priority < priority);
    const entry = { device, priority };
    if (at < 0) this.avail.push(entry);
    else this.avail.splice(at, 0, entry);
  }

  private leave(device: number): void {
    this.avail = this.avail.filter((each) => each.device !== device);
  }
}
