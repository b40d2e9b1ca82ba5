/* A `helm` for the benchmarks that measure our machinery alone (bench/simulation,
 * bench/dispatch-latency), compiled by them: records its call in $STUB_HELM_LOG (one line,
 * appended in one write; with STUB_HELM_TIMES set, led by the wall-clock time it started, in
 * seconds) and answers at once, as helm answers
 * `upgrade --install RELEASE CHART ... --output json` for a release it deployed. Nothing else in
 * the project runs it. In C rather than shell so that it costs what helm costs here, nothing:
 * a bash stub took a fifth of the machine's CPU in the simulation. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *log = getenv("STUB_HELM_LOG");
    if (log && *log) {
        char line[8192];
        size_t used = 0;
        if (getenv("STUB_HELM_TIMES")) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            used = (size_t)snprintf(line, sizeof line, "%lld.%09ld ", (long long)now.tv_sec, now.tv_nsec);
        }
        for (int i = 1; i < argc && used < sizeof line - 2; i++) {
            int n = snprintf(line + used, sizeof line - 1 - used, i > 1 ? " %s" : "%s", argv[i]);
            if (n < 0) break;
            used += (size_t)n < sizeof line - 1 - used ? (size_t)n : sizeof line - 2 - used;
        }
        line[used++] = '\n';
        int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0600);
        if (fd >= 0) {
            if (write(fd, line, used) < 0) { /* a lost record only lowers the count checked */ }
            close(fd);
        }
    }
    const char *release = argc > 3 ? argv[3] : "release", *namespace = "default", *version = "1.0.0";
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--namespace") == 0) namespace = argv[i + 1];
        if (strcmp(argv[i], "--version") == 0) version = argv[i + 1];
    }
    printf("{\"name\":\"%s\",\"namespace\":\"%s\",\"version\":1,\"info\":{\"status\":\"deployed\"},"
           "\"chart\":{\"metadata\":{\"name\":\"%s\",\"version\":\"%s\"}}}\n",
           release, namespace, release, version);
    return 0;
}
