/**
 * Runs C programs on Linux 6.1 under User-Mode Linux (Debian's user-mode-linux package): the
 * kernel runs as an ordinary process, so no KVM or root on the host is needed. One boot runs
 * many programs one after another, so its cost (about a second) is shared:
 *
 * - the programs are compiled on the host with `gcc -static`;
 * - a root file system is made in a temp folder and mounted by the guest through hostfs:
 *   busybox-static, the zram and zsmalloc modules, the programs, an init script;
 * - swap devices are ubd files (non-synchronous) and zram devices (synchronous I/O), created
 *   for the largest program and formatted by each program itself;
 * - each program's output and exit code land in the root's out/ folder.
 *
 * A boot that does not power off within its timeout is killed (the whole process group) and
 * every program it did not finish is reported as not run, never as passed. The temp folder is
 * removed in every case.
 *
 * Not covered here: what the programs do (kernel/emit-c.ts) and what their output means
 * (kernel/output.ts).
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
  openSync,
  closeSync,
  ftruncateSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../lib/config.ts';

/** What a boot needs from the host, found by findUml(). */
export interface UmlTools {
  readonly kernel: string;
  readonly busybox: string;
  readonly modules: string;
  readonly gcc: string;
}

/** The Debian packages the kernel oracle needs, for messages and `npm run kernel:setup`. */
export const umlPackages = ['user-mode-linux', 'busybox-static', 'gcc', 'libc6-dev'] as const;

/** One line saying what to install, for a skipped test or a refused command. */
export const umlMissingMessage = `the kernel oracle needs User-Mode Linux: apt-get install ${umlPackages.join(' ')} (or npm run kernel:setup)`;

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const path = join(dir, name);
    if (dir !== '' && existsSync(path)) return path;
  }
  return null;
}

/** The host tools a boot needs, or null when one is missing. */
export function findUml(): UmlTools | null {
  const kernel =
    which('linux.uml') ?? (existsSync('/usr/bin/linux.uml') ? '/usr/bin/linux.uml' : null);
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path)) ?? null;
  const gcc = which('gcc');
  const moduleRoot = '/usr/lib/uml/modules';
  const release = existsSync(moduleRoot) ? readdirSync(moduleRoot).sort().at(-1) : undefined;
  const modules = release === undefined ? null : join(moduleRoot, release, 'kernel');
  if (kernel === null || busybox === null || gcc === null || modules === null) return null;
  if (!existsSync(join(modules, 'drivers/block/zram/zram.ko'))) return null;
  return { kernel, busybox, modules, gcc };
}

/** One program to run: its C source and the config whose devices it is given. */
export interface UmlProgram {
  readonly name: string;
  readonly source: string;
  readonly config: Config;
}

export interface UmlProgramResult {
  readonly name: string;
  /** What the program printed (stdout and stderr). */
  readonly output: string;
  /** Its exit code, or null when it did not finish (the boot died or timed out). */
  readonly exitCode: number | null;
  /** The device paths it was given, in config order. */
  readonly devices: readonly string[];
}

export interface UmlBootResult {
  readonly programs: readonly UmlProgramResult[];
  /** From spawning the kernel to its init starting the first program. */
  readonly bootMs: number;
  /** From spawning the kernel to its exit. */
  readonly totalMs: number;
  readonly compileMs: number;
  /** The boot was killed after its timeout. */
  readonly timedOut: boolean;
  /** The kernel's console, for a report when something went wrong. */
  readonly console: string;
}

export interface UmlOptions {
  /** Wall-clock limit of one boot; default 60 s plus 5 s a program. */
  readonly timeoutMs?: number;
  /** Guest memory; default 64 MiB. */
  readonly memoryMb?: number;
}

/** The device paths a program of `config` gets: ubd disks for non-synchronous devices, zram
 * devices for synchronous ones, each numbered in config order. */
export function devicePaths(config: Config): string[] {
  let ubd = 0;
  let zram = 0;
  return config.devices.map((device) =>
    device.synchronousIo ? `/dev/zram${zram++}` : `/dev/ubd${String.fromCharCode(97 + ubd++)}`,
  );
}

/** Compiles one C file to a static binary; throws with gcc's message on an error. */
export async function compileC(gcc: string, source: string, binary: string): Promise<void> {
  const sourcePath = `${binary}.c`;
  writeFileSync(sourcePath, source);
  // -O0: half the compile time of -O1, and the programs spend theirs in the kernel.
  const { code, output } = await runProcess(gcc, [
    '-static',
    '-O0',
    '-Wall',
    '-o',
    binary,
    sourcePath,
  ]);
  if (code !== 0) throw new Error(`gcc failed for ${sourcePath}:\n${output}`);
}

/** A boot made ready: its root file system built and its programs compiled, not yet run. */
export interface PreparedBoot {
  readonly work: string;
  readonly root: string;
  readonly programs: readonly UmlProgram[];
  readonly paths: readonly (readonly string[])[];
  readonly ubdFiles: readonly string[];
  readonly compileMs: number;
  readonly dispose: () => void;
}

/** Runs `programs` in one boot. */
export async function bootAndRun(
  tools: UmlTools,
  programs: readonly UmlProgram[],
  options: UmlOptions = {},
): Promise<UmlBootResult> {
  const prepared = await prepareBoot(tools, programs);
  return runBoot(tools, prepared, options);
}

/**
 * Builds a boot's root file system in a temp folder and compiles its programs (so that the
 * next batch can compile while this one runs). The folder is removed by runBoot(), by
 * dispose(), or when the process exits.
 */
export async function prepareBoot(
  tools: UmlTools,
  programs: readonly UmlProgram[],
): Promise<PreparedBoot> {
  const work = mkdtempSync(join(tmpdir(), 'swapcheck-uml-'));
  const dispose = () => {
    rmSync(work, { recursive: true, force: true });
    process.removeListener('exit', dispose);
  };
  process.once('exit', dispose);
  try {
    const root = join(work, 'root');
    for (const dir of ['bin', 'proc', 'sys', 'dev', 'tmp', 'lib/modules', 'progs', 'out'])
      mkdirSync(join(root, dir), { recursive: true });
    copyFileSync(tools.busybox, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    for (const applet of ['sh', 'mount', 'insmod', 'poweroff', 'echo', 'cat', 'mkdir'])
      symlinkSync('busybox', join(root, 'bin', applet));
    copyFileSync(join(tools.modules, 'mm/zsmalloc.ko'), join(root, 'lib/modules/zsmalloc.ko'));
    copyFileSync(
      join(tools.modules, 'drivers/block/zram/zram.ko'),
      join(root, 'lib/modules/zram.ko'),
    );
    const compileStart = performance.now();
    await inParallel(
      programs.map(
        (program, index) => () =>
          compileC(tools.gcc, program.source, join(root, 'progs', `p${index}`)),
      ),
    );
    const compileMs = performance.now() - compileStart;
    const ubdCount = Math.max(
      0,
      ...programs.map((p) => p.config.devices.filter((d) => !d.synchronousIo).length),
    );
    const zramCount = Math.max(
      0,
      ...programs.map((p) => p.config.devices.filter((d) => d.synchronousIo).length),
    );
    const slotsMax = Math.max(2, ...programs.flatMap((p) => p.config.devices.map((d) => d.slots)));
    const ubdFiles = Array.from({ length: ubdCount }, (_, index) => join(work, `ubd${index}.img`));
    for (const file of ubdFiles) {
      const fd = openSync(file, 'w');
      ftruncateSync(fd, slotsMax * 4096);
      closeSync(fd);
    }
    const paths = programs.map((program) => devicePaths(program.config));
    const init = [
      '#!/bin/sh',
      'mount -t proc proc /proc',
      'mount -t sysfs sys /sys',
      'mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null',
      'mount -t debugfs none /sys/kernel/debug 2>/dev/null',
    ];
    if (zramCount > 0)
      init.push(
        'insmod /lib/modules/zsmalloc.ko',
        `insmod /lib/modules/zram.ko num_devices=${zramCount}`,
      );
    init.push('echo @boot-done');
    programs.forEach((_, index) => {
      init.push(
        `echo @begin ${index}`,
        `/progs/p${index} ${(paths[index] ?? []).join(' ')} > /out/p${index}.out 2>&1`,
        `echo $? > /out/p${index}.rc`,
      );
    });
    init.push('poweroff -f', '');
    writeFileSync(join(root, 'init'), init.join('\n'));
    chmodSync(join(root, 'init'), 0o755);
    return { work, root, programs, paths, ubdFiles, compileMs, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** Boots a prepared root, waits for it to power off (or kills it after the timeout), reads
 * every program's output and removes the temp folder. */
export async function runBoot(
  tools: UmlTools,
  prepared: PreparedBoot,
  options: UmlOptions = {},
): Promise<UmlBootResult> {
  try {
    return await bootIn(tools, prepared, options);
  } finally {
    prepared.dispose();
  }
}

async function bootIn(
  tools: UmlTools,
  prepared: PreparedBoot,
  options: UmlOptions,
): Promise<UmlBootResult> {
  const { work, root, programs, paths, ubdFiles, compileMs } = prepared;
  const umlDir = join(work, 'uml');
  mkdirSync(umlDir);
  const args = [
    `mem=${options.memoryMb ?? 64}M`,
    'root=/dev/root',
    'rootfstype=hostfs',
    `rootflags=${root}`,
    'rw',
    'init=/init',
    ...ubdFiles.map((file, index) => `ubd${index}=${file}`),
    'con=null',
    'con0=fd:0,fd:1',
    `uml_dir=${umlDir}`,
    'umid=swapcheck',
  ];
  const timeoutMs = options.timeoutMs ?? 60_000 + 5_000 * programs.length;
  const start = performance.now();
  let bootMs = Number.NaN;
  let consoleText = '';
  let timedOut = false;
  const child = spawn(tools.kernel, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, TMPDIR: work },
  });
  const onData = (chunk: Buffer) => {
    consoleText += chunk.toString();
    if (Number.isNaN(bootMs) && consoleText.includes('@boot-done'))
      bootMs = performance.now() - start;
    if (consoleText.length > 1_000_000) consoleText = consoleText.slice(-500_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  clearTimeout(timer);
  // UML leaves helper processes in its group when it dies abnormally.
  killGroup();
  const totalMs = performance.now() - start;
  const results = programs.map((program, index): UmlProgramResult => {
    const out = join(root, 'out', `p${index}.out`);
    const rc = join(root, 'out', `p${index}.rc`);
    const code = existsSync(rc) ? Number.parseInt(readFileSync(rc, 'utf8').trim(), 10) : Number.NaN;
    return {
      name: program.name,
      output: existsSync(out) ? readFileSync(out, 'utf8') : '',
      exitCode: Number.isNaN(code) ? null : code,
      devices: paths[index] ?? [],
    };
  });
  return { programs: results, bootMs, totalMs, compileMs, timedOut, console: consoleText };
}

/** Runs async jobs with at most as many at once as the machine has cores. */
async function inParallel(jobs: readonly (() => Promise<void>)[]): Promise<void> {
  const width = Math.max(1, availableParallelism());
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as () => Promise<void>;
      await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
}

function runProcess(
  command: string,
  args: readonly string[],
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
