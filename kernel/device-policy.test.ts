/**
 * The 6.1 device choice as kernel/device-policy.ts predicts it: priorities by rank, the lowest
 * free swap type, round-robin among equal priorities, full devices leaving the list and coming
 * back behind their equals.
 *
 * Not covered here: whether the kernel agrees (kernel/scenarios/*-priority-*.json on UML).
 */
import { describe, expect, it } from 'vitest';
import { DevicePolicy } from './device-policy.ts';

describe('DevicePolicy', () => {
  it('maps priorities by rank, keeping order and ties', () => {
    expect(new DevicePolicy([10, -4, 10, 7]).priorities).toEqual([2, 0, 2, 1]);
  });

  it('numbers swap types by the lowest free one', () => {
    const policy = new DevicePolicy([1, 1, 1]);
    policy.swapon(2);
    policy.swapon(0);
    policy.swapoff(2);
    policy.swapon(1);
    expect(policy.typeTable()).toEqual([1, 0]);
    expect(policy.typeOf(0)).toBe(1);
    expect(policy.typeOf(2)).toBeNull();
  });

  it('takes the highest priority first and lets equals take turns', () => {
    const policy = new DevicePolicy([5, 9, 9]);
    for (const device of [0, 1, 2]) policy.swapon(device);
    const picks: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const device = policy.peek();
      picks.push(device);
      if (device !== null) policy.allocated(device);
    }
    expect(picks).toEqual([1, 2, 1, 2]);
  });

  it('drops a full device and brings it back behind its equals', () => {
    const policy = new DevicePolicy([3, 3]);
    policy.swapon(0);
    policy.swapon(1);
    let full = new Set([0]);
    policy.settle(
      (device) => !full.has(device),
      () => true,
    );
    expect(policy.peek()).toBe(1);
    full = new Set();
    policy.settle(
      (device) => !full.has(device),
      () => true,
    );
    expect(policy.peek()).toBe(1);
    policy.allocated(1);
    expect(policy.peek()).toBe(0);
    policy.settle(
      () => true,
      (device) => device !== 0,
    );
    expect(policy.peek()).toBe(1);
  });
});
