#!/bin/bash
# kafka-run-class.sh of the stand-in image: runs CLASS with every jar of /opt/kafka/libs.
# Tools get a small heap and the quick JIT only (2 shared cores); the broker gets KAFKA_HEAP_OPTS.
set -euo pipefail
class=$1; shift
if [[ $class == kafka.Kafka ]]; then
    heap=${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}
    log4j=/opt/kafka/config/log4j2.properties
else
    heap="-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
    log4j=/opt/kafka/config/tools-log4j2.properties
fi
# shellcheck disable=SC2086 # the option strings are lists of options
exec java $heap -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$log4j" ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' "$class" "$@"
