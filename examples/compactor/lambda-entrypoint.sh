#!/bin/sh
# Entry point of the compactor image: runs the AWS Lambda runtime interface client on the
# handler the image's CMD names, e.g. `handler.handler` (file handler.mjs, export handler).
# aws-lambda-ric 4 reads the handler from _HANDLER and the code's folder from
# LAMBDA_TASK_ROOT (3.x read argv and the working directory); Lambda sets neither for an
# image that is not one of its own base images, so this script does, as their entry point does.
set -eu
if [ "$#" -ne 1 ]; then
  echo "usage: lambda-entrypoint.sh <module>.<export> (the image's CMD, e.g. handler.handler)" >&2
  exit 142
fi
export _HANDLER="$1"
export LAMBDA_TASK_ROOT="${LAMBDA_TASK_ROOT:-/var/task}"
cd "$LAMBDA_TASK_ROOT"
exec "$LAMBDA_TASK_ROOT/node_modules/.bin/aws-lambda-ric" "$1"
