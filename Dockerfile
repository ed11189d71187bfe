# syntax=docker/dockerfile:1
# Two stages: build the shaded jar with Maven, then run it on a JRE as a non-root user.
# The embedded PostgreSQL refuses to run as root, so the runtime user matters here.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system fetchbus && useradd --system --gid fetchbus --home-dir /app fetchbus \
    && mkdir -p /app /data && chown fetchbus:fetchbus /app /data
WORKDIR /app
COPY --from=build /build/target/fetchbus.jar /app/fetchbus.jar
COPY conf /app/conf
USER fetchbus
# The same JVM flags as scripts/prereqs: a fixed, pre-touched heap (docs/operations.md, "Memory"), C1 only
ENV FETCHBUS_DATA_DIR=/data \
    FETCHBUS_HTTP_PORT=8080 \
    FETCHBUS_JAVA_OPTS="-Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError -XX:+UnlockDiagnosticVMOptions -XX:GCLockerRetryAllocationCount=100 -XX:TieredStopAtLevel=1"
VOLUME ["/data"]
EXPOSE 8080
# bash, not sh: the image's sh is dash, which has no /dev/tcp (and the JRE image has no curl).
# ContainerTest runs this very command against a node, and lints this file.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${FETCHBUS_HTTP_PORT} && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["sh", "-c", "exec java $FETCHBUS_JAVA_OPTS -jar /app/fetchbus.jar \"$@\"", "fetchbus"]
