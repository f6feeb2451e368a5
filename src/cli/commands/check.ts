import { Command, CommanderError } from 'commander';
import { formatCheckTable } from '../../check/compare.js';
import { readCheckSpec, type CheckCase } from '../../check/spec.js';
import { SatcountError } from '../../types.js';
import { addModelOptions, addRoadOptions, modelOptionsFrom, type ModelFlags } from '../common-options.js';
import { action, EXIT, loggerFor, type GlobalFlags } from '../run-command.js';
import { roadOptionsFrom, type RoadFlags } from './road-flags.js';

/** Parses a case's flags with the same option definitions (and validation) as `count`. */
export function caseFlags(specPath: string, c: CheckCase, inherited: ModelFlags): ModelFlags & RoadFlags {
  const parser = new Command('case').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  addModelOptions(parser);
  addRoadOptions(parser);
  const argv: string[] = [];
  for (const [k, v] of Object.entries(c.flags)) {
    if (v === false) continue;
    argv.push(`--${k}`);
    if (v !== true) argv.push(String(v));
  }
  if (c.road) argv.push('--road', c.road);
  try {
    parser.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new SatcountError(`${specPath}: bad check spec: case "${c.name}": ${e.message.replace(/^error: /, '')}`);
    throw e;
  }
  return { ...inherited, ...(parser.opts() as ModelFlags & RoadFlags) };
}

export function checkCommand(signal: AbortSignal): Command {
  const cmd = new Command('check')
    .description('regression check for CI: count listed images and compare with expected values within tolerances')
    .argument('<spec.json>', 'check spec (see README: "Regression checks in CI")')
    .option('--model <onnx>', 'ONNX detector for every case (default: the shipped model)')
    .addHelpText('after', '\nExit codes: 0 all values within tolerance · 1 a regression · 2 a bad spec or input\n\nExample:\n  $ satcount check fixtures/check.json');
  return cmd.action(
    action(async (specPath: string, flags: { model?: string } & GlobalFlags) => {
      const logger = loggerFor(flags);
      const spec = readCheckSpec(specPath);
      const { runCheck } = await import('../../check/run.js'); // the pipeline, loaded on use
      const report = await runCheck(spec, {
        optionsFor: (c) => {
          const f = caseFlags(specPath, c, { model: flags.model });
          return { ...modelOptionsFrom(f), ...roadOptionsFrom(f) };
        },
        logger,
        signal,
      });
      const { rows, passed, failed } = report;
      if (flags.json) process.stdout.write(JSON.stringify({ spec: specPath, passed, failed, rows }, null, 2) + '\n');
      else process.stdout.write(formatCheckTable(rows) + `${passed} passed, ${failed} failed\n`);
      return failed > 0 ? EXIT.regression : EXIT.ok;
    }),
  );
}
