#!/usr/bin/env bash
# fuzz.sh — a long Jazzer run of one fuzz test (or of all of them, one after the other).
#
# Usage: perf/scripts/fuzz.sh TARGET [DURATION]
#   TARGET    a fuzz test class, e.g. LzsFuzzTest, FrontDoorFuzzTest; "list" prints them; "all" runs each in turn
#   DURATION  how long each target fuzzes, in Jazzer's syntax: 30s, 10m, 2h (default 10m)
#
# ./run-tests gives every fuzz test only a few seconds (jazzer.max_duration in the parent pom). This runs the same
# test in the same surefire execution for longer. What Jazzer keeps:
#   MODULE/.cifuzz-corpus/CLASS/METHOD/   the corpus it grew (not committed; reused by the next run)
#   src/test/resources/.../CLASSInputs/METHOD/crash-*   each input that broke an invariant: it is then replayed by
#                                         every ./run-tests, so fix the product, add a unit test, commit both
# Exit code: Maven's (non-zero when a finding was made).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

targets() { find . -path '*/src/test/java/*' -name '*FuzzTest.java' -printf '%f\n' | sed 's/\.java$//' | sort; }

TARGET=${1:-}
DURATION=${2:-10m}
if [ -z "$TARGET" ]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
if [ "$TARGET" = list ]; then
    targets
    exit 0
fi
if [ "$TARGET" = all ]; then
    status=0
    for t in $(targets); do "$0" "$t" "$DURATION" || status=1; done
    exit $status
fi
file=$(find . -path '*/src/test/java/*' -name "$TARGET.java" | head -1)
if [ -z "$file" ]; then
    echo "fuzz.sh: no fuzz test $TARGET (perf/scripts/fuzz.sh list)" >&2
    exit 2
fi
module=${file#./}
module=${module%%/*}

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
echo "fuzz.sh: $TARGET in $module for $DURATION"
exec mvn -B -pl "$module" -am verify -Dtest="$TARGET" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.fuzz=true -Djazzer.max_duration="$DURATION" -Dfuzz.seed=0 -Dfuzz.runs=-1 -Dfuzz.short.flags=
