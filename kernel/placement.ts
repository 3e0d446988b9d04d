/**
 * Where each holder lives in a kernel program: a process and a page of its region. The first
 * process maps one region of `holders` pages and places a holder at page index = holder when
 * it is first faulted. A fork places its target in a new child process at the source's page:
 * the parent marks every other page MADV_DONTFORK, so the child maps only that one page, at the
 * same address. A holder keeps its place for the whole program.
 *
 * Not covered here: the processes themselves (the C runtime, kernel/c/runtime.c).
 */

export interface Place {
  /** 0 is the first process; children are numbered in fork order from 1. */
  readonly process: number;
  /** Page index in the region (the same address in every process). */
  readonly page: number;
}

export class Placement {
  private readonly places: (Place | null)[];
  private processCount = 1;

  constructor(holders: number) {
    this.places = Array.from({ length: holders }, () => null);
  }

  /** The place of a holder, or null when no op has placed it yet. */
  placeOf(holder: number): Place | null {
    return this.places[holder] ?? null;
  }

  /** A fault on `holder`: it keeps its place, or takes page `holder` of the first process. */
  placeForFault(holder: number): Place {
    const place = this.placeOf(holder) ?? { process: 0, page: holder };
    this.places[holder] = place;
    return place;
  }

  /** Why `target` cannot receive a fork of `source` (it already lives somewhere), or null. */
  forkConflict(source: number, target: number): string | null {
    const place = this.placeOf(target);
    if (place === null) return null;
    return `holder ${target} already lives in process ${place.process} at page ${place.page}, but fork() puts holder ${source}'s copy in a new process`;
  }

  /** A fork of `source` into `target`: a new child process holds the copy. */
  placeForFork(source: number, target: number): Place {
    const from = this.placeOf(source);
    if (from === null) throw new Error(`holder ${source} has no place`);
    const place = { process: this.processCount, page: from.page };
    this.processCount += 1;
    this.places[target] = place;
    return place;
  }

  /** Processes the program creates, the first included. */
  get processes(): number {
    return this.processCount;
  }

  /** Every holder's place (null: never used), by holder index. */
  all(): readonly (Place | null)[] {
    return [...this.places];
  }

  /** The holders placed so far, ascending. */
  placedHolders(): number[] {
    return this.places.flatMap((place, holder) => (place === null ? [] : [holder]));
  }
}
