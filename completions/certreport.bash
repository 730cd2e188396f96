# SPDX-License-Identifier: Apache-2.0
# bash completion for certreport (installed to share/bash-completion/completions/certreport).
_certreport() {
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=${COMP_WORDS[1]}
    local commands="validate score stats render batch cohort merge serve token"
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    case $prev in
        --format) COMPREPLY=($(compgen -W "pdf png svg" -- "$cur")); return ;;
        --backend) COMPREPLY=($(compgen -W "haru cairo" -- "$cur")); return ;;
        --lang) COMPREPLY=($(compgen -W "en es pt fr" -- "$cur")); return ;;
        --cohort|--assets) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --audit|--peers|--layout|--catalog|--previous|--tokens|-o)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -j|--shard) return ;;
    esac
    local common="--catalog --assets --strict --help"
    local opts
    case $cmd in
        validate) opts="$common" ;;
        score) opts="$common --audit --json" ;;
        stats) opts="$common -o --json -j" ;;
        render) opts="$common --audit --peers --cohort -o --format --backend --layout --previous --lang --no-accessible --dump" ;;
        batch) opts="$common -o -j --peers --format --backend --layout --force --shard --previous --lang --no-accessible --quiet --wait" ;;
        merge) opts="--wait --quiet --help" ;;
        serve) opts="--peers --tokens --listen --assets --max-body --timeout --max-connections --workers --queue-wait --test-hooks --help" ;;
        token) opts="--staff --city --tokens --help" ;;
        cohort) opts="$common -o --peers --backend --layout --lang --no-accessible" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
        [ "$cmd" = stats ] || [ "$cmd" = batch ] || [ "$cmd" = cohort ] || [ "$cmd" = merge ] && COMPREPLY=($(compgen -d -- "$cur"))
    fi
}
complete -o filenames -F _certreport certreport
