"""The three shell dialects of the completion script (see completion.py for the data they get).

Each script finds, from the words typed so far, which (sub)command is being completed and how many
positional arguments it already has, then offers option names, option values, subcommands or the
catalog's names for the next argument.
"""

from __future__ import annotations

from .completion_tree import PROG, Cmd

Lists = dict[str, list[tuple[str, str]]]
ByLanguage = dict[str, list[str]]  # language id -> the types it has


def _key(cmd: Cmd) -> str:
    return " ".join(cmd.path)


def _fn(cmd: Cmd) -> str:
    return "_" + "_".join((PROG,) + cmd.path).replace("-", "_")


def _value_opts(tree: list[Cmd]) -> list[str]:
    return sorted({name for cmd in tree for opt in cmd.options if opt.takes_value for name in opt.names})


# -- bash ------------------------------------------------------------------------------------------

def _bash_words(values, lists: Lists, by_language: ByLanguage | None = None) -> str:
    if values is None:
        return 'COMPREPLY=()'
    if values == "directories":
        return 'COMPREPLY=($(compgen -d -- "$cur"))'
    if values == "language_types" and by_language:
        # The types of the language given as the first argument; all of them for one the script does not know.
        cases = " ".join(f'"{lang}") words="{" ".join(types)}" ;;' for lang, types in by_language.items())
        every = " ".join(v for v, _ in lists[values])
        return (f'local words; case "$first" in {cases} *) words="{every}" ;; esac; '
                'COMPREPLY=($(compgen -W "$words" -- "$cur"))')
    words = values if isinstance(values, tuple) else [v for v, _ in lists[values]]
    return f'COMPREPLY=($(compgen -W "{" ".join(words)}" -- "$cur"))'


def bash(tree: list[Cmd], lists: Lists, header: str, by_language: ByLanguage | None = None) -> str:
    subs, opts, optvals, argvals = [], [], [], []
    for cmd in tree:
        key = _key(cmd)
        if cmd.subcommands:
            subs.append(f'        "{key}") echo "{" ".join(cmd.subcommands)}" ;;')
        opts.append(f'        "{key}") echo "{" ".join(n for o in cmd.options for n in o.names)}" ;;')
        for opt in cmd.options:
            if opt.takes_value:
                pattern = " | ".join(f'"{key}|{name}"' for name in opt.names)
                optvals.append(f"        {pattern}) {_bash_words(opt.values, lists)} ;;")
        for i, arg in enumerate(cmd.args):
            # Earlier patterns win, so a repeating last argument can catch every later position.
            pattern = f'"{key}|#"*' if arg.repeat else f'"{key}|#{i}"'
            argvals.append(f"        {pattern}) {_bash_words(arg.values, lists, by_language)} ;;")
    value_opts = " ".join(_value_opts(tree))
    nl = "\n"
    return header + f"""
_{PROG}_subcommands() {{
    case "$1" in
{nl.join(subs)}
    esac
}}

_{PROG}_options() {{
    case "$1" in
{nl.join(opts)}
    esac
}}

_{PROG}() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" node="" npos=0 first="" skip=0 eq=0 i w
    (( COMP_CWORD > 0 )) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    # --opt=value: bash splits the word at "=" (COMP_WORDBREAKS) into --opt, = and value.
    if [[ $cur == "=" ]]; then
        cur="" eq=1
    elif [[ $prev == "=" ]] && (( COMP_CWORD > 1 )); then
        prev="${{COMP_WORDS[COMP_CWORD-2]}}" eq=1
    fi
    for (( i = 1; i < COMP_CWORD; i++ )); do
        w="${{COMP_WORDS[i]}}"
        if [[ $w == "=" ]]; then skip=1; continue; fi
        if (( skip )); then skip=0; continue; fi
        case " {value_opts} " in *" $w "*) skip=1; continue ;; esac
        case "$w" in -*) continue ;; esac
        if (( npos == 0 )) && [[ " $(_{PROG}_subcommands "$node") " == *" $w "* ]]; then
            node="${{node:+$node }}$w"
        else
            npos=$(( npos + 1 ))
            (( npos == 1 )) && first=$w
        fi
    done
    COMPREPLY=()
    if (( COMP_CWORD > 1 )); then
        case " {value_opts} " in
            *" $prev "*)
                case "$node|$prev" in
{nl.join(optvals)}
                esac
                return 0 ;;
        esac
    fi
    (( eq )) && return 0
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_{PROG}_options "$node")" -- "$cur"))
        return 0
    fi
    if (( npos == 0 )) && [[ -n $(_{PROG}_subcommands "$node") ]]; then
        COMPREPLY=($(compgen -W "$(_{PROG}_subcommands "$node")" -- "$cur"))
        return 0
    fi
    case "$node|#$npos" in
{nl.join(argvals)}
    esac
    return 0
}}

complete -F _{PROG} {PROG}
"""


# -- zsh -------------------------------------------------------------------------------------------

def _zq(text: str) -> str:
    """Single-quote for zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh_action(values) -> str:
    if values is None:
        return " "
    if values == "directories":
        return "_directories"
    if isinstance(values, tuple):
        return "(" + " ".join(values) + ")"
    return f"_{PROG}_{values}"


def _zsh_option(opt) -> str:
    help_text = opt.help.replace(":", "\\:")
    if opt.names in (("-h", "--help"), ("--help", "-h")) or opt.names == ("--version",):
        exclusion = "(- *)"
    else:
        exclusion = "(" + " ".join(opt.names) + ")" if len(opt.names) > 1 else ""
    # "--format=" takes its value both as the next word and as --format=VALUE (click accepts both).
    spelled = [n + "=" if opt.takes_value and n.startswith("--") else n for n in opt.names]
    names = "{" + ",".join(spelled) + "}" if len(spelled) > 1 else spelled[0]
    spec = f"[{help_text}]"
    if opt.takes_value:
        spec += f":{opt.names[-1].lstrip('-')}:{_zsh_action(opt.values)}"
    if len(opt.names) > 1:
        return f"{_zq(exclusion)}{names}{_zq(spec)}"
    return _zq(f"{exclusion}{names}{spec}")


def zsh(tree: list[Cmd], lists: Lists, header: str, by_language: ByLanguage | None = None) -> str:
    out = [f"#compdef {PROG}", header.rstrip("\n"), ""]
    if by_language:
        # Inside a subcommand's function words[1] is the subcommand; its first argument is the first
        # word after it that is neither an option nor an option's value.
        described = dict(lists["types"])
        value_opts = "|".join(_value_opts(tree))
        cases = "\n".join(f"    {_zq(lang)}) items=(\n" + "\n".join(f"      {_zq(t + ':' + described.get(t, '').replace(':', ' -'))}"
                                                          for t in types) + "\n    ) ;;"
                          for lang, types in by_language.items())
        out.append(f"""_{PROG}_language_types() {{
  local -a items
  local w first="" skip=0 i
  for (( i = 2; i < CURRENT; i++ )); do
    w=$words[i]
    if (( skip )); then skip=0; continue; fi
    case $w in
      {value_opts}) skip=1 ;;
      -*) ;;
      *) first=$w; break ;;
    esac
  done
  case $first in
{cases}
    *) _{PROG}_types; return ;;
  esac
  _describe -t types 'type' items
}}
""")
    for name, pairs in lists.items():
        if name == "language_types" and by_language:
            continue
        items = "\n".join(f"    {_zq(v + ':' + d.replace(':', ' -'))}" for v, d in pairs)
        label = name.rstrip("s")
        out.append(f"_{PROG}_{name}() {{\n  local -a items\n  items=(\n{items}\n  )\n"
                   f"  _describe -t {name} {_zq(label)} items\n}}\n")
    helps = {_key(c): c.help for c in tree}
    for cmd in tree:
        specs = [_zsh_option(o) for o in cmd.options]
        if cmd.subcommands:
            commands = "\n".join(
                f"      {_zq(sub + ':' + helps[_key(cmd) + (' ' if cmd.path else '') + sub].replace(':', ' -'))}"
                for sub in cmd.subcommands)
            cases = "\n".join(f"        {sub}) {_fn(cmd)}_{sub.replace('-', '_')} ;;" for sub in cmd.subcommands)
            specs += ["'1:command:->command'", "'*::argument:->argument'"]
            body = " \\\n    ".join(specs)
            out.append(f"""{_fn(cmd)}() {{
  local curcontext="$curcontext" state line
  typeset -A opt_args
  _arguments -C \\
    {body} && return
  case $state in
    command)
      local -a commands
      commands=(
{commands}
      )
      _describe -t commands 'command' commands ;;
    argument)
      case $line[1] in
{cases}
      esac ;;
  esac
}}
""")
        else:
            for i, arg in enumerate(cmd.args):
                position = "*" if arg.repeat else str(i + 1)
                specs.append(_zq(f"{position}:{arg.name.replace('_', ' ')}:{_zsh_action(arg.values)}"))
            body = " \\\n    ".join(specs)
            out.append(f"{_fn(cmd)}() {{\n  _arguments -s \\\n    {body}\n}}\n")
    out.append(f"""# Works both as an autoloaded file in $fpath (the first TAB already completes) and when sourced.
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _{PROG} "$@"
else
  compdef _{PROG} {PROG}
fi
""")
    return "\n".join(out)


# -- fish ------------------------------------------------------------------------------------------

def _fq(text: str) -> str:
    """Single-quote for fish."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_item(value: str, description: str) -> str:
    """One candidate of a `complete -a` list: value, a tab, its description (quoted; may be empty)."""
    return f'{value}\\t"{description}"'


def fish(tree: list[Cmd], lists: Lists, header: str, by_language: ByLanguage | None = None) -> str:
    value_opts = " ".join(_fq(n) for n in _value_opts(tree))
    subs = "\n".join(f"        case {_fq(_key(c))}\n            contains -- $argv[2] {' '.join(c.subcommands)}"
                     for c in tree if c.subcommands)
    out = [header, f"""complete -c {PROG} -f

# Prints the (sub)command being completed and how many positional arguments it already has.
function __{PROG}_state
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l node ''
    set -l npos 0
    set -l first ''
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        if contains -- $t {value_opts}
            set skip 1
            continue
        end
        if string match -q -- '-*' $t
            continue
        end
        if test $npos -eq 0; and __{PROG}_is_sub "$node" $t
            set node (string trim -- "$node $t")
        else
            set npos (math $npos + 1)
            test $npos -eq 1; and set first $t
        end
    end
    echo $node
    echo $npos
    echo $first
end

# __{PROG}_first_is VALUE...: the first argument of the (sub)command is one of them.
function __{PROG}_first_is
    set -l state (__{PROG}_state)
    contains -- "$state[3]" $argv
end

function __{PROG}_is_sub
    switch $argv[1]
{subs}
        case '*'
            return 1
    end
end

# __{PROG}_at NODE POS: completing NODE's argument POS (+POS: that one or a later one; any: anywhere).
function __{PROG}_at
    set -l state (__{PROG}_state)
    test "$state[1]" = "$argv[1]"; or return 1
    switch $argv[2]
        case any
            return 0
        case '+*'
            test $state[2] -ge (string sub -s 2 -- $argv[2])
        case '*'
            test $state[2] -eq $argv[2]
    end
end
"""]
    helps = {_key(c): c.help for c in tree}
    for cmd in tree:
        key = _key(cmd)
        for sub in cmd.subcommands:
            sub_key = (key + " " + sub).strip()
            out.append(f"complete -c {PROG} -n {_fq(f'__{PROG}_at {_fq(key)} 0')} -a {sub} -d {_fq(helps[sub_key])}")
        for opt in cmd.options:
            flags = " ".join(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}" for n in opt.names)
            values = ""
            if opt.takes_value:
                values = " -x"
                # Each value carries its own description (none for fixed choices), or fish would
                # repeat the option's help after every value.
                if isinstance(opt.values, tuple):
                    values += f" -a {_fq(' '.join(_fish_item(v, '') for v in opt.values))}"
                elif opt.values in lists:
                    values += f" -a {_fq(' '.join(_fish_item(v, d) for v, d in lists[opt.values]))}"
            out.append(f"complete -c {PROG} -n {_fq(f'__{PROG}_at {_fq(key)} any')} {flags}{values} "
                       f"-d {_fq(opt.help)}")
        for i, arg in enumerate(cmd.args):
            position = f"+{i}" if arg.repeat else str(i)
            condition = _fq(f"__{PROG}_at {_fq(key)} {position}")
            if arg.values == "directories":
                out.append(f"complete -c {PROG} -n {condition} -a '(__fish_complete_directories)'")
            elif isinstance(arg.values, tuple):
                out.append(f"complete -c {PROG} -n {condition} -a {_fq(' '.join(arg.values))}")
            elif arg.values == "language_types" and by_language:
                described = dict(lists["types"])
                known = " ".join(by_language)
                for lang, types in by_language.items():
                    when = _fq(f"__{PROG}_at {_fq(key)} {position}; and __{PROG}_first_is {lang}")
                    out += [f"complete -c {PROG} -n {when} -a {t} -d {_fq(described.get(t, ''))}" for t in types]
                when = _fq(f"__{PROG}_at {_fq(key)} {position}; and not __{PROG}_first_is {known}")
                out += [f"complete -c {PROG} -n {when} -a {v} -d {_fq(d)}" for v, d in lists["types"]]
            elif arg.values in lists:
                out += [f"complete -c {PROG} -n {condition} -a {v} -d {_fq(d)}" for v, d in lists[arg.values]]
    return "\n".join(out) + "\n"
