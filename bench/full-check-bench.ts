/**
 * The cost of one full check (Checker.checkFully(): the whole comparison of model and design,
 * the whole impl audit and the model's self-check) against the number of live entries, without
 * the rest of `npm run bench`. Per design and size, bench/scaling-bench.ts's machine is
 * populated once through the checker (footprint checks only), then full checks are timed on
 * this process's CPU: the first one also verifies the views the checker kept from footprints
 * (as the scaling bench times it); before each later one a swapin of a random swapped-out
 * holder runs, so each check has an op behind it. Prints CPU ms per full check: the first, and
 * the median, minimum and maximum of the later ones.
 *
 * Run: `npm run build && node --max-old-space-size=6144 dist/bench/full-check-bench.js
 * [--design classic ...] [--sizes 1000,100000,1000000] [--samples 3]`.
 *
 * Not covered here: ops between full checks (bench/scaling-bench.ts), campaigns
 * (bench/campaign-bench.ts).
 */
import { parseArgs } from 'node:util';
import { designNames, resolveDesign } from '../properties/design-registry.ts';
import { checkerFor } from '../properties/run.ts';
import { describeFailure } from '../properties/report.ts';
import { Prng } from '../properties/prng.ts';
import { cpuMsSince } from './measure.ts';
import { populate, scaleConfig } from './scaling-bench.ts';

const folioPages = 512;

function fail(message: string): never {
  process.stderr.write(`full-check-bench: ${message}\n`);
  process.exit(2);
}

function timedFullCheck(check: () => ReturnType<ReturnType<typeof checkerFor>['checkFully']>) {
  const started = process.cpuUsage();
  const failure = check();
  const ms = cpuMsSince(started);
  if (failure !== null) throw new Error(`full check failed: ${describeFailure(failure)}`);
  return ms;
}

function main(): void {
  let values;
  try {
    values = parseArgs({
      options: {
        design: { type: 'string', multiple: true },
        sizes: { type: 'string' },
        samples: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const known = designNames();
  const chosen = values.design ?? known;
  for (const name of chosen)
    if (!known.includes(name)) fail(`--design: unknown design '${name}' (${known.join(', ')})`);
  const sizes = (values.sizes ?? '1000,100000,1000000').split(',').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 512 || size > 1_000_000))
    fail(`--sizes: expected comma-separated integers in 512..1000000, got '${values.sizes}'`);
  const samples = Number(values.samples ?? '3');
  if (!Number.isInteger(samples) || samples < 1) fail(`--samples: expected a positive integer`);
  process.stdout.write('design | live entries | first full check | later (median, min-max)\n');
  for (const name of chosen) {
    for (const size of sizes) {
      const config = scaleConfig(size);
      const folios = Math.ceil(size / folioPages);
      const populated = folios * folioPages;
      const checker = checkerFor(resolveDesign(name), config, {
        fullCheckEvery: Number.MAX_SAFE_INTEGER,
        modelSelfCheck: true,
      });
      populate(checker, config, folios);
      const first = timedFullCheck(() => checker.checkFully());
      const prng = new Prng(size);
      const later: number[] = [];
      for (let i = 0; i < samples; i++) {
        let holder = prng.below(populated);
        while (checker.model.holderView(holder).kind !== 'swap') holder = prng.below(populated);
        const failure = checker.step({ op: 'swapin', holder, order: 0, cpu: i % config.cpus });
        if (failure !== null) throw new Error(`swapin failed: ${describeFailure(failure)}`);
        later.push(timedFullCheck(() => checker.checkFully()));
      }
      later.sort((a, b) => a - b);
      const median = later[later.length >> 1] as number;
      process.stdout.write(
        `${name} | ${populated} | ${first.toFixed(0)} ms | ${median.toFixed(0)} ms ` +
          `(${(later[0] as number).toFixed(0)}-${(later[later.length - 1] as number).toFixed(0)})\n`,
      );
    }
  }
}

main();
