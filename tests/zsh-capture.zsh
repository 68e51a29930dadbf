#!/usr/bin/env -S zsh -f
# Press TAB in a real interactive zsh and print what the completion system offered.
#
#   zsh -f tests/zsh-capture.zsh fpath|source SCRIPT LINE...
#
# fpath:  SCRIPT is installed as `_pyroadvise` in a fresh fpath directory before compinit, as a
#         user or package would install it; the first LINE is the first TAB in the new shell.
# source: compinit runs first, then the shell sources SCRIPT (the `eval`/`source` install).
#
# One interactive `zsh -f -i` runs in a pseudo-terminal (zsh/zpty) with the real compinit and
# zle. For each LINE the driver types the text, presses TAB, then clears the line (Ctrl-U). A
# wrapper around the compadd builtin records the matches each call adds (compadd -O, so only
# those that fit what was typed). Output, per LINE:
#
#   <<CASE>>N          N = index of LINE, from 1
#   <<C>>value         one candidate (repeated if several compadd calls add it)
#   <<S>>text          one line of the screen, escape sequences removed: the typed line, the
#                      listing zsh printed below it ("java    -- Java"), the marker command
#   <<END>>N
#
# ZSH_CAPTURE_TIMEOUT (seconds, default 10) bounds each step; ZSH_CAPTURE_RAW=1 also prints the
# raw terminal output of each TAB (<<RAW>>, quoted) for debugging.
#
# Exit status: 0, or 3 when a step timed out (the output then ends with <<TIMEOUT>>what).
emulate -L zsh
setopt extended_glob
zmodload zsh/zpty zsh/datetime zsh/zselect || exit 2

mode=$1 script=$2
shift 2
(( $# )) || { print -u2 "usage: $0 fpath|source SCRIPT LINE..."; exit 2 }
[[ $mode == (fpath|source) && -r $script ]] || { print -u2 "bad mode or unreadable script: $mode $script"; exit 2 }
limit=${ZSH_CAPTURE_TIMEOUT:-10}

tmp=$(mktemp -d) || exit 2
trap 'zpty -d z 2>/dev/null; rm -rf -- $tmp' EXIT
# The shell works in a directory with one file and one directory: a fallback to file completion
# would offer the file, directory completion offers the directory.
mkdir $tmp/work $tmp/work/decoy-dir && : > $tmp/work/decoy-file || exit 2

# Read the pty until the text $1 has been seen; the text read is left in $buf.
buf=''
read_until() {
  local chunk deadline=$(( EPOCHREALTIME + limit ))
  while (( EPOCHREALTIME < deadline )); do
    if zpty -r -t z chunk; then
      buf+=$chunk
      [[ $buf == *"$1"* ]] && return 0
    else
      zselect -t 2
    fi
  done
  print -r -- "<<TIMEOUT>>$2"
  print -u2 -r -- "timed out waiting for $2; read so far: ${(q+)buf}"
  exit 3
}

# The marker is built at run time so that the echoed command line never contains it.
marker() { zpty -w z "print -r -- '<<'$1'>>'" }

zpty z "cd ${(q)tmp}/work && TERM=xterm COLUMNS=200 LINES=200 HOME=${(q)tmp} zsh -f -i" || exit 2
zpty -w z "PROMPT='> '; RPROMPT=''; unsetopt zle_bracketed_paste 2>/dev/null; stty columns 200 rows 200"
# Never ask "do you wish to see all N possibilities?": that question would eat the next key.
zpty -w z "LISTMAX=10000"
if [[ $mode == fpath ]]; then
  mkdir $tmp/site-functions && cp -- $script $tmp/site-functions/_pyroadvise || exit 2
  zpty -w z "fpath=(${(q)tmp}/site-functions \$fpath); autoload -Uz compinit && compinit -u -D"
else
  zpty -w z "autoload -Uz compinit && compinit -u -D && source ${(q)script:a}"
fi
# Record the matches each compadd call adds (a dry run with -O), then really add them. Calls that
# only test words (-O, -A or -D before the words) add nothing and are left alone: a second -D
# pass would filter the caller's arrays twice. The dry run drops -E N, which adds N empty
# display rows even then (_describe uses it for options that share a description).
zpty -w z 'compadd () {
  local -a __a __m; local __i __end
  __a=("$@"); __end=${__a[(i)(-|--)]}
  if (( ! ${${__a[1,__end-1]}[(I)-[OAD]]} )); then
    for (( __i = __end - 1; __i >= 1; __i-- )); do
      if [[ $__a[__i] == -E<-> ]]; then __a[__i]=()
      elif [[ $__a[__i] == -E && $__a[__i+1] == <-> ]]; then __a[__i,__i+1]=(); fi
    done
    builtin compadd -O __m "${__a[@]}"; (( $#__m )) && print -rl -- "<<C>>"${^__m}
  fi
  builtin compadd "$@"
}'
marker READY
buf=''; read_until '<<READY>>' 'shell start'

i=0
for text in "$@"; do
  (( i++ ))
  buf=''
  zpty -wn z "$text"$'\t'
  # Ctrl-U clears whatever TAB inserted; the marker command then runs once completion is done.
  zpty -wn z $'\C-u'
  marker "END$i"
  read_until "<<END$i>>" "TAB on ${(q+)text}"
  [[ -n $ZSH_CAPTURE_RAW ]] && print -r -- "<<RAW>>${(q+)buf}"
  print -r -- "<<CASE>>$i"
  # Line breaks for erase-line and cursor-up/down sequences (so a redrawn prompt does not glue
  # onto the last listing line), drop every other escape sequence and the carriage returns.
  screen=${buf//$'\e'\[[0-9;]#[ABJK]/$'\n'}
  screen=${${screen//$'\e'\[[0-9;?]#[@-~]/}//$'\r'/}
  # The wrapper's first line follows the typed text on the same screen line.
  screen=${screen//<<C>>/$'\n'<<C>>}
  for l in "${(@f)screen}"; do
    l=${${l//[[:cntrl:]]/}%%[[:space:]]#}
    case $l in
      ('<<C>>'*) print -r -- $l ;;
      (*[^[:space:]]*) print -r -- "<<S>>$l" ;;
    esac
  done
  print -r -- "<<END>>$i"
done
