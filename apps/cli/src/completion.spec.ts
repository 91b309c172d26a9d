import { spawnSync } from 'node:child_process';
import { Argument, Command, Option } from 'commander';
import { bashCompletion, commandTree, zshCompletion } from './completion';
import { buildProgram } from './main';

const io = { stdout: () => undefined, stderr: () => undefined, env: {} };

/** A small program with the shapes completion cares about. */
function sample(): Command {
  const program = new Command('tool');
  program.addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']));
  program
    .command('plan')
    .description('Show a plan. More text.')
    .requiredOption('-f, --file <path>', 'the file');
  const things = program.command('things').description('Things: list them');
  things.command('list').option('--state <s>', 'a state').option('--all', 'every one');
  program.command('shell').addArgument(new Argument('<shell>').choices(['bash', 'zsh']));
  return program;
}

describe('commandTree', () => {
  it('has the subcommands with help, the options and their choices, the argument choices', () => {
    const tree = commandTree(sample());
    expect(tree.subcommands.map((s) => s.name)).toEqual(['plan', 'things', 'shell', 'help']);
    expect(tree.subcommands[0]).toMatchObject({ path: '/plan', description: 'Show a plan' });
    expect(tree.subcommands[0].options[0]).toMatchObject({
      flags: ['-f', '--file'],
      takesValue: true,
      file: true,
    });
    expect(tree.subcommands[1].subcommands.map((s) => s.path)).toEqual(['/things/list', '/things/help']);
    expect(tree.options[0]).toMatchObject({ flags: ['-o', '--output'], choices: ['text', 'json'] });
    expect(tree.subcommands[2].argChoices).toEqual(['bash', 'zsh']);
  });
});

/** What the bash script offers for the words typed so far (the last one being completed). */
function bashComplete(script: string, words: string[]): string[] {
  const program = `${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _vigil
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  return out.stdout.split('\n').filter(Boolean);
}

describe('the bash script of vigil', () => {
  const script = bashCompletion(buildProgram(io));

  it('completes the commands, then the subcommands', () => {
    expect(bashComplete(script, ['vigil', ''])).toEqual(
      expect.arrayContaining([
        'plan',
        'actions',
        'freeze',
        'automation',
        'weights',
        'events',
        'endpoint',
        'completion',
      ]),
    );
    expect(bashComplete(script, ['vigil', 'a'])).toEqual(['apply', 'alerts', 'actions', 'automation']);
    expect(bashComplete(script, ['vigil', 'actions', ''])).toEqual([
      'list',
      'show',
      'approve',
      'reject',
      'cancel',
      'rollback',
      'help',
    ]);
    expect(bashComplete(script, ['vigil', '--server', 'http://x', '-o', 'json', 'freeze', 'e'])).toEqual([
      'end',
    ]);
  });

  it("completes a command's options with the global ones, and their choices", () => {
    expect(bashComplete(script, ['vigil', 'actions', 'list', '--s'])).toEqual([
      '--state',
      '--service',
      '--server',
    ]);
    expect(bashComplete(script, ['vigil', '-o', ''])).toEqual(['text', 'json', 'yaml']);
    expect(bashComplete(script, ['vigil', 'events', '--kind', 'e'])).toEqual(['endpoint']);
    expect(bashComplete(script, ['vigil', 'completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('offers nothing for a free value, and files after plan -f', () => {
    expect(bashComplete(script, ['vigil', 'freeze', 'add', '--reason', ''])).toEqual([]);
    expect(bashComplete(script, ['vigil', 'plan', '-f', __filename.slice(0, -8)])).toContain(__filename);
    // events -f is --follow (no value): the next word is a command word again, not a file.
    expect(bashComplete(script, ['vigil', 'events', '-f', '--i'])).toEqual(['--idc']);
  });
});

describe('the zsh script of vigil', () => {
  const script = zshCompletion(buildProgram(io));

  it('registers itself and describes the commands and options', () => {
    expect(script.startsWith('#compdef vigil\n')).toBe(true);
    expect(script).toContain('compdef _vigil vigil');
    expect(script).toContain(`'approve:Approve an action awaiting approval'`);
    expect(script).toContain(`'--reason:why: kept in the audit log'`);
    expect(script).toContain('*:-o|*:--output) compadd -- text json yaml; return ;;');
    expect(script).toContain('/plan:-f|/plan:--file) _files; return ;;');
  });

  it('is valid zsh and offers the subcommands, the options and their choices', () => {
    expect(spawnSync('zsh', ['-n'], { input: script, encoding: 'utf8' })).toMatchObject({
      status: 0,
      stderr: '',
    });
    // compsys stubbed: _describe and compadd print what they would offer.
    const complete = (words: string[]) => {
      const program = `compdef() { :; }
_describe() { print -l -- \${(P)@[-1]}; }
compadd() { shift; print -l -- "$@"; }
_files() { print FILES; }
${script}
words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _vigil`;
      const out = spawnSync('zsh', ['-f', '-c', program], { encoding: 'utf8' });
      expect(out.stderr).toBe('');
      return out.stdout.split('\n').filter(Boolean);
    };
    expect(complete(['vigil', 'weights', ''])).toEqual([
      'show:Baseline, desired and applied weights per IDC, the override, the latest action',
      'set:Set the weights by hand',
      'release:Release the manual override',
      'help:display help for command',
    ]);
    expect(complete(['vigil', 'automation', 'pause', '-'])).toEqual(
      expect.arrayContaining([
        '-r:why, e.g. the incident (kept and audited)',
        '--reason:why, e.g. the incident (kept and audited)',
        '--server:Vigil API base URL (env VIGIL_URL)',
      ]),
    );
    expect(complete(['vigil', 'actions', 'list', '--state', ''])).toContain('awaiting-approval');
    expect(complete(['vigil', 'apply', '--file', ''])).toEqual(['FILES']);
  });
});
