/**
 * Shell completion for bash and zsh, generated from the commander program tree: the commands and
 * subcommands, their options, the choices of options and arguments (`-o text|json|yaml`), and files
 * after `-f/--file`. Generated, not hand-written, so that a new command completes without more work.
 */
import { Help, type Command, type Option } from 'commander';

/** One option as completion sees it. */
interface OptionInfo {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices: string[];
  /** Its value is a file path. */
  file: boolean;
}

/** One command: its path from the program (`/actions/list`; the program is ``). */
interface CommandInfo {
  path: string;
  name: string;
  description: string;
  subcommands: CommandInfo[];
  options: OptionInfo[];
  /** Choices of its first argument, e.g. `bash zsh` for `completion <shell>`. */
  argChoices: string[];
}

const help = new Help();

/** The first clause of a description, outside parentheses: `List actions, newest first`. */
export function firstSentence(text: string): string {
  const line = text.split('\n')[0].trim();
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (
      depth === 0 &&
      (c === '.' || c === ':' || c === ';') &&
      (i + 1 === line.length || line[i + 1] === ' ')
    ) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** The program's options a subcommand also takes: not --help (each has its own) nor --version. */
const inherited = (root: CommandInfo) =>
  root.options.filter((o) => !o.flags.some((f) => f === '--help' || f === '--version'));

function optionInfo(option: Option): OptionInfo {
  const takesValue = option.required || option.optional;
  return {
    flags: [option.short, option.long].filter((f): f is string => !!f),
    description: option.description.split('\n')[0].trim(),
    takesValue,
    choices: option.argChoices ?? [],
    file: takesValue && /<(file|path)>/.test(option.flags),
  };
}

/** The tree of `cmd`: visible subcommands (with `help`), its own options (with `--help`). */
export function commandTree(cmd: Command, parent?: string): CommandInfo {
  const path = parent === undefined ? '' : `${parent}/${cmd.name()}`;
  return {
    path,
    name: cmd.name(),
    description: firstSentence(cmd.description()),
    subcommands: help.visibleCommands(cmd).map((sub) => commandTree(sub, path)),
    options: help.visibleOptions(cmd).map(optionInfo),
    argChoices: cmd.registeredArguments[0]?.argChoices ?? [],
  };
}

const flatten = (node: CommandInfo): CommandInfo[] => [node, ...node.subcommands.flatMap(flatten)];

/** `path:flag` case patterns: the program's options count everywhere (`*:`), a command's only there. */
const patterns = (node: CommandInfo, option: OptionInfo) =>
  option.flags.map((f) => `${node.path === '' ? '*' : node.path}:${f}`);

interface ValueCase {
  pattern: string;
  kind: 'choices' | 'file' | 'none';
  choices: string[];
}

/** For each option that takes a value: what to offer for that value. */
function valueCases(nodes: readonly CommandInfo[]): ValueCase[] {
  // The commands' own first, so that `/plan:-f` wins over a global pattern of the same flag.
  const ordered = [...nodes.filter((n) => n.path !== ''), ...nodes.filter((n) => n.path === '')];
  return ordered.flatMap((node) =>
    node.options
      .filter((o) => o.takesValue)
      .map((o): ValueCase => ({
        pattern: patterns(node, o).join('|'),
        kind: o.choices.length ? 'choices' : o.file ? 'file' : 'none',
        choices: o.choices,
      })),
  );
}

const known = (nodes: readonly CommandInfo[]) =>
  nodes
    .filter((n) => n.path !== '')
    .map((n) => n.path)
    .join('|');

const words = (items: readonly string[]) => items.join(' ');

/**
 * The loop body (the same in bash and zsh) that walks the words before the cursor: `cmdpath` becomes
 * the subcommand path typed so far; an option's value (`skip`) is not taken for a subcommand.
 */
const walkWords = (skip: readonly string[], nodes: readonly CommandInfo[]) =>
  `    if ((skip)); then skip=0; continue; fi
    case "$cmdpath:$w" in
      *:--*=*) ;;
      ${skip.join('|') || '__none__'}) skip=1 ;;
      *:-*) ;;
      *) case "$cmdpath/$w" in
           ${known(nodes) || '__none__'}) cmdpath="$cmdpath/$w" ;;
         esac ;;
    esac`;

/** A bash completion script for `name` (`source <(vigil completion bash)`). */
export function bashCompletion(program: Command, name = program.name()): string {
  const root = commandTree(program);
  const nodes = flatten(root);
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const globals = inherited(root).flatMap((o) => o.flags);
  const skip = valueCases(nodes).map((c) => c.pattern);
  const values = valueCases(nodes).map(
    (c) =>
      `    ${c.pattern}) ${
        c.kind === 'choices'
          ? `COMPREPLY=($(compgen -W "${words(c.choices)}" -- "$cur"))`
          : c.kind === 'file'
            ? 'COMPREPLY=($(compgen -f -- "$cur"))'
            : 'COMPREPLY=()'
      }; return ;;`,
  );
  const commandWords = nodes.map((n) => {
    const options =
      n.path === '' ? n.options.flatMap((o) => o.flags) : [...n.options.flatMap((o) => o.flags), ...globals];
    const next = n.subcommands.length ? n.subcommands.map((s) => s.name) : n.argChoices;
    return `    "${n.path}") opts="${words(options)}"; next="${words(next)}" ;;`;
  });
  return `# bash completion for ${name}, generated by \`${name} completion bash\`.
# Install: source <(${name} completion bash)   (e.g. in ~/.bashrc), or
#          ${name} completion bash > /etc/bash_completion.d/${name}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath="" w i skip=0 opts="" next=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
${walkWords(skip, nodes)}
  done
  case "$cmdpath:$prev" in
${values.join('\n')}
  esac
  case "$cmdpath" in
${commandWords.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$next" -- "$cur"))
  fi
}
complete -F ${fn} ${name}
`;
}

/** A zsh word with its description, for _describe: `name:description`, colons in the name escaped. */
const zshItem = (word: string, description: string) =>
  `'${`${word.replace(/:/g, '\\:')}:${description}`.replace(/'/g, `'\\''`)}'`;

/** A zsh completion script for `name` (`source <(vigil completion zsh)`, or as `_vigil` in $fpath). */
export function zshCompletion(program: Command, name = program.name()): string {
  const root = commandTree(program);
  const nodes = flatten(root);
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const skip = valueCases(nodes).map((c) => c.pattern);
  const values = valueCases(nodes).map(
    (c) =>
      `    ${c.pattern}) ${
        c.kind === 'choices' ? `compadd -- ${words(c.choices)}` : c.kind === 'file' ? '_files' : ':'
      }; return ;;`,
  );
  const options = nodes.map((n) => {
    const own = n.options.flatMap((o) => o.flags.map((f) => zshItem(f, o.description)));
    const globals =
      n.path === '' ? [] : inherited(root).flatMap((o) => o.flags.map((f) => zshItem(f, o.description)));
    return `      "${n.path}") items=(${[...own, ...globals].join(' ')}) ;;`;
  });
  const commands = nodes.map((n) => {
    const items = n.subcommands.length
      ? n.subcommands.map((s) => zshItem(s.name, s.description))
      : n.argChoices.map((c) => zshItem(c, c));
    return `      "${n.path}") items=(${items.join(' ')}) ;;`;
  });
  return `#compdef ${name}
# zsh completion for ${name}, generated by \`${name} completion zsh\`.
# Install: source <(${name} completion zsh)   (in ~/.zshrc, after compinit), or
#          ${name} completion zsh > "\${fpath[1]}/_${name}"
compdef ${fn} ${name}

${fn}() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  local cmdpath="" w i skip=0
  local -a items
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
${walkWords(skip, nodes)}
  done
  case "$cmdpath:$prev" in
${values.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmdpath" in
${options.join('\n')}
    esac
    _describe -t options 'option' items
  else
    case "$cmdpath" in
${commands.join('\n')}
    esac
    (( \${#items} )) && _describe -t commands 'command' items
  fi
}

if [ "$funcstack[1]" = "${fn}" ]; then
  ${fn} "$@"
fi
`;
}
